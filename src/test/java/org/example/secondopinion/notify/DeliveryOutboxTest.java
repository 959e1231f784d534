package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.example.secondopinion.notify.Notification.Status;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox's rules on a real (in-memory H2) database: order, claims, retries, retention. */
class DeliveryOutboxTest {

	private final Instant now = Instant.parse("2026-11-25T08:00:00Z");
	private DeliveryOutbox outbox;

	@BeforeEach
	void freshDatabase() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		outbox = new DeliveryOutbox(dataSource);
		outbox.createTableIfMissing();
		outbox.createTableIfMissing(); // a restart finds the table there
	}

	@Test
	void onlyTheOldestPendingNotificationOfEachSubscriptionIsDue() {
		long first = add("Subscription/1");
		add("Subscription/1");
		long other = add("Subscription/2");

		assertThat(outbox.due(now, 10)).extracting(Notification::id).containsExactly(first, other);
	}

	@Test
	void whileTheOldestWaitsForARetryTheLaterOnesWaitBehindIt() {
		long first = add("Subscription/1");
		long second = add("Subscription/1");
		Notification head = outbox.due(now, 10).get(0);
		assertThat(outbox.claim(head, now.plusSeconds(300))).isTrue();
		outbox.markAttemptFailed(first, "HTTP 503", now, Optional.of(now.plusSeconds(10)));

		assertThat(outbox.due(now.plusSeconds(5), 10)).isEmpty();
		assertThat(outbox.due(now.plusSeconds(10), 10)).extracting(Notification::id).containsExactly(first);

		outbox.markDelivered(first, now.plusSeconds(11));
		assertThat(outbox.due(now.plusSeconds(11), 10)).extracting(Notification::id).containsExactly(second);
	}

	@Test
	void eachSubscriptionsNotificationsAreNumberedFromOneInTheOrderTheyAreQueued() {
		outbox.add("Subscription/1", "https://ehr.example.org/notify", "topic", "Task/1/_history/1",
				number -> "{\"event\": " + number + "}", now);
		add("Subscription/2");
		add("Subscription/1");

		assertThat(outbox.log(Optional.of("Subscription/1"), Optional.empty(), 10))
				.extracting(Notification::eventNumber).containsExactly(2L, 1L);
		assertThat(outbox.log(Optional.of("Subscription/1"), Optional.empty(), 10).get(1).message()).isEqualTo("{\"event\": 1}");
		assertThat(outbox.log(Optional.of("Subscription/2"), Optional.empty(), 10))
				.extracting(Notification::eventNumber).containsExactly(1L);
	}

	@Test
	void aNotificationIsClaimedByOneWorkerOnly() {
		add("Subscription/1");
		Notification due = outbox.due(now, 10).get(0);

		assertThat(outbox.claim(due, now.plusSeconds(300))).isTrue();
		assertThat(outbox.claim(due, now.plusSeconds(300))).isFalse();
		assertThat(outbox.due(now.plusSeconds(60), 10)).as("held by its lease").isEmpty();
		assertThat(outbox.due(now.plusSeconds(301), 10)).as("a lease that ran out (crash) frees it").hasSize(1);
	}

	@Test
	void aGivenUpNotificationIsFailedAndNoLongerHoldsTheQueue() {
		long first = add("Subscription/1");
		long second = add("Subscription/1");
		outbox.markAttemptFailed(first, "connection refused", now, Optional.empty());

		Notification failed = outbox.log(Optional.of("Subscription/1"), Optional.of(Status.FAILED), 10).get(0);
		assertThat(failed.id()).isEqualTo(first);
		assertThat(failed.attempts()).isEqualTo(1);
		assertThat(failed.lastError()).isEqualTo("connection refused");
		assertThat(outbox.due(now, 10)).extracting(Notification::id).containsExactly(second);
	}

	@Test
	void retentionRemovesOldFinishedNotificationsButNeverPendingOnes() {
		long delivered = add("Subscription/1");
		outbox.markDelivered(delivered, now);
		long cancelled = add("Subscription/2");
		outbox.markCancelled(cancelled, "subscription deleted", now);
		long pending = add("Subscription/3");

		assertThat(outbox.removeFinishedBefore(now.plus(Duration.ofDays(31)))).isEqualTo(2);
		assertThat(outbox.log(Optional.empty(), Optional.empty(), 10)).extracting(Notification::id).containsExactly(pending);
	}

	@Test
	void theLogListsNewestFirstAndFiltersBySubscriptionAndStatus() {
		long a = add("Subscription/1");
		long b = add("Subscription/1");
		add("Subscription/2");
		outbox.markDelivered(a, now);

		assertThat(outbox.log(Optional.of("Subscription/1"), Optional.empty(), 10)).extracting(Notification::id).containsExactly(b, a);
		assertThat(outbox.log(Optional.of("Subscription/1"), Optional.of(Status.DELIVERED), 10)).extracting(Notification::id).containsExactly(a);
		assertThat(outbox.log(Optional.empty(), Optional.empty(), 1)).hasSize(1);
	}

	private long add(String subscription) {
		return outbox.add(subscription, "https://ehr.example.org/notify", "topic", "Task/1/_history/1", "{}", now);
	}
}

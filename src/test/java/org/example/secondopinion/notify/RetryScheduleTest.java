package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

	private final RetrySchedule defaults = new RetrySchedule(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(15), Duration.ofHours(72));
	private final Instant created = Instant.parse("2026-11-25T08:00:00Z");

	@Test
	void theDelayDoublesFromTheInitialDelayUpToTheMaximum() {
		assertThat(defaults.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
		assertThat(defaults.delayAfter(2)).isEqualTo(Duration.ofSeconds(20));
		assertThat(defaults.delayAfter(5)).isEqualTo(Duration.ofSeconds(160));
		assertThat(defaults.delayAfter(8)).isEqualTo(Duration.ofMinutes(15));
		assertThat(defaults.delayAfter(500)).isEqualTo(Duration.ofMinutes(15));
	}

	@Test
	void aNotificationIsTriedForTheWholeGiveUpPeriodThenGivenUp() {
		Instant afterTwoDays = created.plus(Duration.ofHours(48));
		assertThat(defaults.nextAttempt(created, 200, afterTwoDays)).contains(afterTwoDays.plus(Duration.ofMinutes(15)));
		Instant nearTheEnd = created.plus(Duration.ofHours(72)).minus(Duration.ofMinutes(5));
		assertThat(defaults.nextAttempt(created, 300, nearTheEnd)).isEmpty();
	}

	@Test
	void anEndpointDownForAMaintenanceWeekendStillGetsItsNotification() {
		Instant now = created;
		int attempts = 0;
		while (now.isBefore(created.plus(Duration.ofHours(60)))) {
			attempts++;
			now = defaults.nextAttempt(created, attempts, now).orElseThrow();
		}
		assertThat(attempts).isBetween(230, 260); // 15-minute retries after the first two hours of backoff
	}

	@Test
	void nonsensicalSettingsAreRefusedAtStartUp() {
		assertThatThrownBy(() -> new RetrySchedule(Duration.ZERO, 2.0, Duration.ofMinutes(1), Duration.ofHours(1)))
				.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> new RetrySchedule(Duration.ofSeconds(10), 0.5, Duration.ofMinutes(1), Duration.ofHours(1)))
				.isInstanceOf(IllegalArgumentException.class);
	}
}

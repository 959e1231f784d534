package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage.OperationTypeEnum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Which changes go on to HAPI's subscription matching: those of a type a registered subscription can
 * match, Subscriptions and topics always, and every change while the registry may not know all
 * subscriptions yet. Asked of the filter over the server's own registries, so no answer depends on
 * when HAPI's matching job runs.
 */
class UnsubscribedChangesIT extends FhirServerIT {

	private static final Duration WAIT = Duration.ofSeconds(30);
	private static final Duration RECENT = Duration.ofSeconds(10);

	@Autowired
	private SubscriptionRegistry registry;

	@Autowired
	private SubscriptionTopicRegistry topics;

	@Autowired
	private IInterceptorService storageInterceptors;

	private NotificationReceiver receiver;
	private final AdjustableClock clock = new AdjustableClock();

	@BeforeEach
	void startReceiver() {
		receiver = NotificationReceiver.start();
	}

	@AfterEach
	void stopReceiver() {
		receiver.close();
	}

	@Test
	void theServerFiltersEveryStoredChange() {
		assertThat(storageInterceptors.getAllRegisteredInterceptors()).anyMatch(UnsubscribedChanges.class::isInstance);
	}

	@Test
	void aTypeGoesToMatchingOnlyWhileASubscriptionCanMatchIt() {
		UnsubscribedChanges filter = filter(true);
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("nobody subscribed to Organizations").isFalse();
		assertThat(filter.submitToSubscriptions(change("Task/1"))).as("our topics are about Tasks").isTrue();

		String subscription = client().create()
				.resource(TestSubscriptions.criteria("Organization?name=" + UUID.randomUUID(), receiver.url("/organizations")))
				.execute().getId().toUnqualifiedVersionless().getValue();
		TestSubscriptions.awaitRegistered(registry, subscription, WAIT, "subscription active");
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("while subscribed").isTrue();

		client().delete().resourceById(new IdType(subscription)).execute();
		awaitUnregistered(subscription);
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("after the subscription is gone").isFalse();
	}

	@Test
	void everyChangeGoesToMatchingForAWhileAfterASubscriptionChanged() {
		UnsubscribedChanges filter = filter(true);
		assertThat(filter.submitToSubscriptions(change("Subscription/1"))).isTrue();
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("HAPI may not have registered it yet").isTrue();

		clock.advance(RECENT.plusSeconds(1));
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).isFalse();
		assertThat(filter.submitToSubscriptions(change("Basic/1"))).as("topics are registered through matching").isTrue();
	}

	@Test
	void everyChangeGoesToMatchingUntilTheRegistryHasBeenRead() {
		assertThat(filter(false).submitToSubscriptions(change("Organization/1"))).isTrue();
	}

	private UnsubscribedChanges filter(boolean registryLoaded) {
		return new UnsubscribedChanges(registry, topics, () -> registryLoaded, RECENT, clock);
	}

	private static ResourceModifiedMessage change(String id) {
		return new ResourceModifiedMessage(new IdType(id), OperationTypeEnum.CREATE, null);
	}

	private void awaitUnregistered(String subscription) {
		Instant deadline = Instant.now().plus(WAIT);
		while (registry.get(new IdType(subscription).getIdPart()) != null && Instant.now().isBefore(deadline)) {
			NotificationReceiver.pause(Duration.ofMillis(50));
		}
		assertThat(registry.get(new IdType(subscription).getIdPart())).as("unregistered after its delete").isNull();
	}

	/** A clock the test moves forward. */
	private static final class AdjustableClock extends Clock {
		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			now = now.plus(duration);
		}

		@Override
		public Instant instant() {
			return now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}
	}
}

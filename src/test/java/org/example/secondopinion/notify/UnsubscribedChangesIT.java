package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage.OperationTypeEnum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Which changes go on to HAPI's subscription matching: those of a type a registered subscription can
 * match (a criteria's type, a topic's triggers), Subscriptions always, and every change while the
 * registry may not know all subscriptions yet. Asked of a filter over the server's own registries, so
 * no answer depends on when HAPI's matching job runs; the registry is emptied first, since other test
 * classes leave their subscriptions behind.
 */
class UnsubscribedChangesIT extends FhirServerIT {

	private static final Duration WAIT = Duration.ofSeconds(30);
	private static final Duration UPDATE_WINDOW = Duration.ofSeconds(10);

	@Autowired
	private SubscriptionRegistry registry;

	@Autowired
	private SubscriptionTopicRegistry topics;

	@Autowired
	private SubscriptionLoader loader;

	@Autowired
	private DaoRegistry daoRegistry;

	@Autowired
	private IInterceptorService storageInterceptors;

	private NotificationReceiver receiver;
	private final AdjustableClock clock = new AdjustableClock();

	@BeforeEach
	void startWithoutSubscriptions() {
		receiver = NotificationReceiver.start();
		IFhirResourceDao<Subscription> subscriptions = daoRegistry.getResourceDao(Subscription.class);
		subscriptions.search(SearchParameterMap.newSynchronous(), new SystemRequestDetails()).getAllResources()
				.forEach(subscription -> subscriptions.delete(subscription.getIdElement().toUnqualifiedVersionless(), new SystemRequestDetails()));
		forgetDeletedSubscriptions();
		assertThat(registry.size()).as("subscriptions registered").isZero();
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
		assertThat(filter.submitToSubscriptions(change("Task/1"))).as("no subscription at all").isFalse();

		String topicSubscription = subscribe(TestSubscriptions.topic("case-status-changed", "Task?patient=Patient/" + UUID.randomUUID(),
				receiver.url("/status"), "id-only"));
		assertThat(filter.submitToSubscriptions(change("Task/1"))).as("the topic's trigger is Task").isTrue();
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("nobody subscribed to Organizations").isFalse();

		String criteriaSubscription = subscribe(TestSubscriptions.criteria("Organization?name=" + UUID.randomUUID(), receiver.url("/organizations")));
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("while subscribed").isTrue();

		client().delete().resourceById(new IdType(criteriaSubscription)).execute();
		forgetDeletedSubscriptions();
		assertThat(registry.get(new IdType(criteriaSubscription).getIdPart())).as("unregistered after its delete").isNull();
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("after the subscription is gone").isFalse();
		assertThat(filter.submitToSubscriptions(change("Task/1"))).isTrue();
		client().delete().resourceById(new IdType(topicSubscription)).execute();
	}

	@Test
	void everyChangeGoesToMatchingWhileASubscriptionChangedHereIsNotYetRegistered() {
		UnsubscribedChanges filter = filter(true);
		assertThat(filter.submitToSubscriptions(change("Subscription/new-one", OperationTypeEnum.CREATE))).isTrue();
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("until HAPI registers it").isTrue();
		clock.advance(UnsubscribedChanges.MAX_WAIT.plusSeconds(1));
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("one never registered stops counting").isFalse();

		assertThat(filter.submitToSubscriptions(change("Subscription/changed-one", OperationTypeEnum.UPDATE))).isTrue();
		clock.advance(UPDATE_WINDOW.plusSeconds(1));
		assertThat(filter.submitToSubscriptions(change("Organization/1"))).as("an update not (re)registered").isTrue();
	}

	@Test
	void everyChangeGoesToMatchingUntilTheRegistryHasBeenRead() {
		assertThat(filter(false).submitToSubscriptions(change("Organization/1"))).isTrue();
		assertThat(filter(true).submitToSubscriptions(change("Organization/1"))).isFalse();
	}

	private UnsubscribedChanges filter(boolean registryLoaded) {
		return new UnsubscribedChanges(registry, topics, () -> registryLoaded, UPDATE_WINDOW, clock);
	}

	/** HAPI's loader flags a subscription gone from the database at one refresh and drops it at the next. */
	private void forgetDeletedSubscriptions() {
		loader.forceRefresh();
		loader.forceRefresh();
	}

	private String subscribe(Subscription subscription) {
		String id = client().create().resource(subscription).execute().getId().toUnqualifiedVersionless().getValue();
		TestSubscriptions.awaitRegistered(registry, id, WAIT, "subscription active");
		return id;
	}

	private static ResourceModifiedMessage change(String id) {
		return change(id, OperationTypeEnum.CREATE);
	}

	private static ResourceModifiedMessage change(String id, OperationTypeEnum operation) {
		return new ResourceModifiedMessage(new IdType(id), operation, null);
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

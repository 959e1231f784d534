package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

/** Subscriptions as an EHR would write them, for the tests, and the wait for the server to activate one. */
public final class TestSubscriptions {

	static final String TOPICS = "https://second-opinion.example.org/fhir/SubscriptionTopic/";

	private TestSubscriptions() {}

	/** A topic-based subscription (Subscriptions R5 Backport IG, R4 form). */
	public static Subscription topic(String topic, String filter, String endpoint, String content) {
		Subscription subscription = new Subscription();
		subscription.getMeta().addProfile(SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL);
		subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
		subscription.setReason("Test: " + topic);
		subscription.setCriteria(TOPICS + topic);
		subscription.getCriteriaElement().addExtension(SubscriptionConstants.SUBSCRIPTION_TOPIC_FILTER_URL, new StringType(filter));
		Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
		channel.setType(Subscription.SubscriptionChannelType.RESTHOOK);
		channel.setEndpoint(endpoint);
		channel.setPayload("application/fhir+json");
		channel.getPayloadElement().addExtension(SubscriptionConstants.SUBSCRIPTION_TOPIC_CHANNEL_PAYLOAD_CONTENT, new CodeType(content));
		channel.addHeader("Authorization: Bearer ehr-secret");
		return subscription;
	}

	/** A classic R4 criteria-based subscription that sends the full resource. */
	public static Subscription criteria(String criteria, String endpoint) {
		Subscription subscription = new Subscription();
		subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
		subscription.setReason("Test: " + criteria);
		subscription.setCriteria(criteria);
		subscription.getChannel()
				.setType(Subscription.SubscriptionChannelType.RESTHOOK)
				.setEndpoint(endpoint)
				.setPayload("application/fhir+json")
				.addHeader("Authorization: Bearer ehr-secret");
		return subscription;
	}

	/**
	 * Waits until the server's registry holds the subscription (by id part, or Subscription/[id]), as it
	 * does once HAPI has activated it; fails after {@code timeout}.
	 */
	public static void awaitRegistered(SubscriptionRegistry registry, String subscription, Duration timeout, String description) {
		String id = new IdType(subscription).getIdPart();
		Instant deadline = Instant.now().plus(timeout);
		while (registry.get(id) == null && Instant.now().isBefore(deadline)) {
			NotificationReceiver.pause(Duration.ofMillis(50));
		}
		assertThat(registry.get(id)).as(description).isNotNull();
	}
}

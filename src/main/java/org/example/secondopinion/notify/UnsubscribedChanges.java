package org.example.secondopinion.notify;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser.SubscriptionCriteria;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser.TypeEnum;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r5.model.SubscriptionTopic;
import org.hl7.fhir.r5.model.UriType;

/**
 * Keeps out of HAPI's subscription pipeline the changes that no subscription can match. HAPI stores
 * every change in its transaction ({@code HFJ_RES_MODIFIED}); its matching job then reads each one
 * back, reads the resource again and matches it against every subscription. A case bundle's eleven
 * resources made eleven such rows, though only its Task can match our topics: under {@code load-cases}
 * the matching thread alone took about an eighth of the server's CPU.
 *
 * <p>A change goes on when its resource type is one a subscription in this node's registry can match:
 * the type(s) of a criteria-based subscription, the resource triggers of a topic-based one's topic. Every
 * change goes on, unfiltered:
 * <ul>
 *   <li>of a Subscription or a topic (Basic, SubscriptionTopic): HAPI registers them through this pipeline;
 *   <li>before this node's registry has been read from the database once;
 *   <li>for {@code recentSubscriptionWindow} after a Subscription changed on this node, until HAPI and the
 *       periodic refresh have surely registered it;
 *   <li>when a subscription's criteria or topic cannot be read (a criteria of every type, an unknown topic).
 * </ul>
 * A subscription made on another node applies here from this node's next registry refresh, the same delay
 * with which this node's matching learns of it.
 */
@Interceptor
public class UnsubscribedChanges {

	private static final Set<String> ALWAYS_SUBMITTED = Set.of("Subscription", "SubscriptionTopic", "Basic");

	private final SubscriptionRegistry subscriptions;
	private final SubscriptionTopicRegistry topics;
	private final BooleanSupplier registryLoaded;
	private final Duration recentSubscriptionWindow;
	private final Clock clock;
	private volatile Instant lastSubscriptionChange = Instant.MIN;

	public UnsubscribedChanges(SubscriptionRegistry subscriptions, SubscriptionTopicRegistry topics, BooleanSupplier registryLoaded,
			Duration recentSubscriptionWindow, Clock clock) {
		this.subscriptions = subscriptions;
		this.topics = topics;
		this.registryLoaded = registryLoaded;
		this.recentSubscriptionWindow = recentSubscriptionWindow;
		this.clock = clock;
	}

	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
	public boolean submitToSubscriptions(ResourceModifiedMessage message) {
		String type = message.getPayloadId() == null ? null : new IdType(message.getPayloadId()).getResourceType();
		if (type == null || ALWAYS_SUBMITTED.contains(type)) {
			if ("Subscription".equals(type)) {
				lastSubscriptionChange = clock.instant();
			}
			return true;
		}
		if (!registryLoaded.getAsBoolean() || clock.instant().isBefore(lastSubscriptionChange.plus(recentSubscriptionWindow))) {
			return true;
		}
		return subscribedTypes().map(types -> types.contains(type)).orElse(true);
	}

	/** The resource types the registered subscriptions can match; empty when any type can match. */
	private Optional<Set<String>> subscribedTypes() {
		Set<String> types = new HashSet<>();
		for (ActiveSubscription active : subscriptions.getAll()) {
			if (active.getSubscription().isTopicSubscription()) {
				Optional<SubscriptionTopic> topic = topics.findSubscriptionTopicByUrl(active.getSubscription().getTopic());
				if (topic.isEmpty()) {
					return Optional.empty();
				}
				List<UriType> triggers = new ArrayList<>();
				topic.get().getResourceTrigger().forEach(trigger -> triggers.add(trigger.getResourceElement()));
				topic.get().getEventTrigger().forEach(trigger -> triggers.add(trigger.getResourceElement()));
				if (triggers.isEmpty() || triggers.stream().anyMatch(resource -> !resource.hasValue())) {
					return Optional.empty();
				}
				triggers.forEach(resource -> types.add(typeName(resource)));
			} else {
				SubscriptionCriteria criteria = active.getCriteria();
				if (criteria == null || criteria.getType() == TypeEnum.STARTYPE_EXPRESSION
						|| criteria.getApplicableResourceTypes() == null || criteria.getApplicableResourceTypes().isEmpty()) {
					return Optional.empty();
				}
				types.addAll(criteria.getApplicableResourceTypes());
			}
		}
		return Optional.of(types);
	}

	/** A trigger names its type as "Task" or as the type's canonical URL. */
	private static String typeName(UriType resource) {
		String value = resource.getValue();
		return value.substring(value.lastIndexOf('/') + 1);
	}
}

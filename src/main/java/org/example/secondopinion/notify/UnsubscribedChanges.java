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
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage.OperationTypeEnum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r5.model.SubscriptionTopic;
import org.hl7.fhir.r5.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps out of HAPI's subscription pipeline the changes that no subscription can match. HAPI stores
 * every change in its transaction ({@code HFJ_RES_MODIFIED}); its matching job then reads each one
 * back, reads the resource again and matches it against every subscription. A case bundle's eleven
 * resources made eleven such rows, though only its Task can match our topics: under {@code load-cases}
 * the matching thread alone took about an eighth of the server's CPU.
 *
 * <p>A change goes on when its resource type is one a subscription in this node's registry can match:
 * the type(s) of a criteria-based subscription, the resource triggers of a topic-based one's topic (HAPI
 * compares a trigger with the type's name). Every change goes on, unfiltered:
 * <ul>
 *   <li>of a Subscription: HAPI activates and registers subscriptions through this pipeline;
 *   <li>before this node's registry has been read from the database once;
 *   <li>while a Subscription changed on this node is not yet in the registry as changed: a new one until
 *       it is registered, a deleted one until it is gone, an updated one for {@code updateWindow} (the
 *       registry does not tell which version it holds); each for at most {@link #MAX_WAIT};
 *   <li>when a subscription's criteria or topic cannot be read (a criteria of every type, an unknown topic),
 *       and when deciding fails: the filter may cost work, never a notification.
 * </ul>
 * A subscription made on another node applies here from this node's next registry refresh. Topics (R4
 * Basic) are read by HAPI's own cache, not through this pipeline.
 */
@Interceptor
public class UnsubscribedChanges {

	private static final Logger log = LoggerFactory.getLogger(UnsubscribedChanges.class);
	/** A subscription HAPI never registers (refused criteria, status off) stops holding the filter open. */
	static final Duration MAX_WAIT = Duration.ofMinutes(2);

	private final SubscriptionRegistry subscriptions;
	private final SubscriptionTopicRegistry topics;
	private final BooleanSupplier registryLoaded;
	private final Duration updateWindow;
	private final Clock clock;
	private final Map<String, SubscriptionChange> unsettled = new ConcurrentHashMap<>();

	private record SubscriptionChange(OperationTypeEnum operation, Instant at) {}

	public UnsubscribedChanges(SubscriptionRegistry subscriptions, SubscriptionTopicRegistry topics, BooleanSupplier registryLoaded,
			Duration updateWindow, Clock clock) {
		this.subscriptions = subscriptions;
		this.topics = topics;
		this.registryLoaded = registryLoaded;
		this.updateWindow = updateWindow;
		this.clock = clock;
	}

	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
	public boolean submitToSubscriptions(ResourceModifiedMessage message) {
		try {
			IdType id = message.getPayloadId() == null ? null : new IdType(message.getPayloadId());
			if (id == null || id.getResourceType() == null) {
				return true;
			}
			if ("Subscription".equals(id.getResourceType())) {
				unsettled.put(id.getIdPart(), new SubscriptionChange(message.getOperationType(), clock.instant()));
				return true;
			}
			unsettled.entrySet().removeIf(change -> settled(change.getKey(), change.getValue()));
			if (!registryLoaded.getAsBoolean() || !unsettled.isEmpty()) {
				return true;
			}
			return canBeMatched(id.getResourceType());
		} catch (RuntimeException e) {
			log.warn("Could not tell whether a subscription can match {}; it goes to matching: {}", message.getPayloadId(), e.toString());
			return true;
		}
	}

	private boolean settled(String subscription, SubscriptionChange change) {
		Instant now = clock.instant();
		if (now.isAfter(change.at().plus(MAX_WAIT))) {
			return true;
		}
		boolean registered = subscriptions.get(subscription) != null;
		return switch (change.operation()) {
			case DELETE -> !registered;
			case CREATE -> registered;
			default -> registered && now.isAfter(change.at().plus(updateWindow));
		};
	}

	/**
	 * Whether a registered subscription can match a change of this type: true at the first one whose
	 * criteria or topic names the type, or cannot be read (it may match any type).
	 */
	private boolean canBeMatched(String type) {
		for (ActiveSubscription active : subscriptions.getAll()) {
			if (active.getSubscription().isTopicSubscription()) {
				Optional<SubscriptionTopic> topic = topics.findSubscriptionTopicByUrl(active.getSubscription().getTopic());
				if (topic.isEmpty()) {
					return true;
				}
				List<UriType> triggers = new ArrayList<>();
				topic.get().getResourceTrigger().forEach(trigger -> triggers.add(trigger.getResourceElement()));
				topic.get().getEventTrigger().forEach(trigger -> triggers.add(trigger.getResourceElement()));
				if (triggers.isEmpty() || triggers.stream().anyMatch(resource -> !resource.hasValue() || typeName(resource).equals(type))) {
					return true;
				}
			} else {
				SubscriptionCriteria criteria = active.getCriteria();
				if (criteria == null || criteria.getType() == TypeEnum.STARTYPE_EXPRESSION
						|| criteria.getApplicableResourceTypes() == null || criteria.getApplicableResourceTypes().isEmpty()
						|| criteria.getApplicableResourceTypes().contains(type)) {
					return true;
				}
			}
		}
		return false;
	}

	/** A trigger names its type as "Task" or as the type's canonical URL. */
	private static String typeName(UriType resource) {
		String value = resource.getValue();
		return value.substring(value.lastIndexOf('/') + 1);
	}
}

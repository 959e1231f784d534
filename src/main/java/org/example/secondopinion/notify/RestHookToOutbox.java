package org.example.secondopinion.notify;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.util.JsonUtil;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Takes over rest-hook delivery from HAPI. HAPI matches each change against the subscriptions and
 * builds the notification; just before it would send it, this hook writes it to the
 * {@link DeliveryOutbox} instead and tells HAPI not to send. The {@link DeliveryWorker} then
 * delivers it from there, with retries for hours and across restarts, where HAPI's own delivery
 * keeps a failed notification in memory and gives up after about a minute. A topic notification's event
 * number is the outbox's, counted per subscription in the database in the order the notifications are
 * queued (HAPI's own count is in memory: it starts again at 1 after a restart and on every node).
 *
 * <p>When the worker hands the notification back to HAPI's sender, this hook lets it through.
 */
@Interceptor
public class RestHookToOutbox {

	private static final ThreadLocal<Boolean> DELIVERING = ThreadLocal.withInitial(() -> false);

	private final DeliveryOutbox outbox;
	private final DeliveryWorker worker;
	private final FhirContext fhirContext;
	private final Clock clock;
	private final BiPredicate<CanonicalSubscription, ResourceDeliveryMessage> subscriberMayKnow;

	/**
	 * @param subscriberMayKnow whether the subscriber may hear of the change at all (the security
	 *                          boundary between organisations); a notification it may not is dropped
	 */
	public RestHookToOutbox(DeliveryOutbox outbox, DeliveryWorker worker, FhirContext fhirContext, Clock clock,
			BiPredicate<CanonicalSubscription, ResourceDeliveryMessage> subscriberMayKnow) {
		this.outbox = outbox;
		this.worker = worker;
		this.fhirContext = fhirContext;
		this.clock = clock;
		this.subscriberMayKnow = subscriberMayKnow;
	}

	@Hook(Pointcut.SUBSCRIPTION_BEFORE_REST_HOOK_DELIVERY)
	public boolean queueInsteadOfSending(CanonicalSubscription subscription, ResourceDeliveryMessage message) {
		if (DELIVERING.get()) {
			return true;
		}
		if (!subscriberMayKnow.test(subscription, message)) {
			return false;
		}
		IIdType subscriptionId = subscription.getIdElement(fhirContext).toUnqualifiedVersionless();
		String event = subscription.isTopicSubscription() ? subscription.getTopic() : subscription.getCriteriaString();
		outbox.add(subscriptionId.getValue(), subscription.getEndpointUrl(), event, focusOf(message),
				eventNumber -> numbered(message, eventNumber), clock.instant());
		worker.wake();
		return false;
	}

	/**
	 * The changed resource with its version, e.g. {@code Task/123/_history/4}, as {@link FocusVersion} left
	 * it; else a topic notification's focus, else the id of what is sent.
	 */
	private String focusOf(ResourceDeliveryMessage message) {
		Optional<String> changed = message.getAttribute(FocusVersion.ATTRIBUTE);
		if (changed.isPresent()) {
			return changed.get();
		}
		IBaseResource payload = message.getPayload(fhirContext);
		Optional<String> topicFocus = NotificationStatus.of(payload).flatMap(NotificationStatus::focus);
		if (topicFocus.isPresent()) {
			return topicFocus.get();
		}
		IIdType id = message.getPayloadId(fhirContext);
		return id == null ? null : id.toUnqualified().getValue();
	}

	/** The message as it is to be sent: a topic notification carries the outbox's event number. */
	private String numbered(ResourceDeliveryMessage message, long eventNumber) {
		IBaseResource payload = message.getPayload(fhirContext);
		NotificationStatus.of(payload).ifPresent(status -> {
			status.setEventNumber(eventNumber);
			message.setPayload(fhirContext, payload, EncodingEnum.detectEncoding(message.getPayloadString()));
		});
		return JsonUtil.serialize(message, false);
	}

	/** Runs a delivery by HAPI's own sender, which this hook then lets through. */
	static void deliverThrough(Runnable send) {
		DELIVERING.set(true);
		try {
			send.run();
		} finally {
			DELIVERING.set(false);
		}
	}
}

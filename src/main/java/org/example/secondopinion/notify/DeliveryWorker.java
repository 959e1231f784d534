package org.example.secondopinion.notify;

import ca.uhn.fhir.jpa.subscription.match.deliver.resthook.SubscriptionDeliveringRestHookListener;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.util.JsonUtil;
import org.apache.commons.lang3.exception.ExceptionUtils;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Delivers the notifications of the {@link DeliveryOutbox}: each due one is claimed, sent by HAPI's
 * rest-hook sender with the subscription as it is now (endpoint and headers included), and marked
 * delivered, or scheduled again by the {@link RetrySchedule}. It looks for due notifications every
 * poll interval, and at once when a new one is queued.
 */
public class DeliveryWorker implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

	/** Longer than any single attempt can take (HAPI's client times out well before). */
	private static final Duration LEASE = Duration.ofMinutes(5);
	private static final int BATCH = 50;

	private final DeliveryOutbox outbox;
	private final SubscriptionRegistry subscriptions;
	private final StoredSubscriptions subscriptionStore;
	private final Supplier<SubscriptionDeliveringRestHookListener> senders;
	private final RetrySchedule retry;
	private final EndpointPolicy endpointPolicy;
	private final NotificationProperties properties;
	private final Clock clock;
	private final AtomicBoolean drainQueued = new AtomicBoolean();

	private ScheduledExecutorService poller;
	private ExecutorService senderPool;
	private volatile boolean running;

	public DeliveryWorker(
			DeliveryOutbox outbox,
			SubscriptionRegistry subscriptions,
			StoredSubscriptions subscriptionStore,
			Supplier<SubscriptionDeliveringRestHookListener> senders,
			NotificationProperties properties,
			Clock clock) {
		this.outbox = outbox;
		this.subscriptions = subscriptions;
		this.subscriptionStore = subscriptionStore;
		this.senders = senders;
		this.retry = properties.retry().schedule();
		this.endpointPolicy = properties.endpointPolicy();
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void start() {
		outbox.createTableIfMissing();
		poller = Executors.newSingleThreadScheduledExecutor(runnable -> new Thread(runnable, "notification-poller"));
		senderPool = Executors.newFixedThreadPool(properties.deliveryThreads(), runnable -> {
			Thread thread = new Thread(runnable, "notification-sender");
			thread.setDaemon(true);
			return thread;
		});
		running = true;
		long interval = properties.pollInterval().toMillis();
		poller.scheduleWithFixedDelay(this::drainSafely, interval, interval, TimeUnit.MILLISECONDS);
		poller.scheduleWithFixedDelay(this::forgetOldNotifications, 0, 1, TimeUnit.HOURS);
	}

	@Override
	public void stop() {
		running = false;
		poller.shutdownNow();
		// let deliveries in flight finish and be recorded, or their lease would hold them back after a restart
		senderPool.shutdown();
		try {
			if (!senderPool.awaitTermination(15, TimeUnit.SECONDS)) {
				senderPool.shutdownNow();
			}
		} catch (InterruptedException e) {
			senderPool.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** A notification was queued: look for due ones now rather than at the next poll. */
	public void wake() {
		if (running && drainQueued.compareAndSet(false, true)) {
			poller.execute(this::drainSafely);
		}
	}

	private void drainSafely() {
		drainQueued.set(false);
		try {
			drain();
		} catch (RuntimeException e) {
			log.warn("Looking for due notifications failed: {}", e.toString());
		}
	}

	/** The delivery log keeps finished notifications for the configured retention, then drops them. */
	private void forgetOldNotifications() {
		try {
			int removed = outbox.removeFinishedBefore(clock.instant().minus(properties.logRetention()));
			if (removed > 0) {
				log.info("Removed {} notifications older than {} from the delivery log", removed, properties.logRetention());
			}
		} catch (RuntimeException e) {
			log.warn("Cleaning the delivery log failed: {}", e.toString());
		}
	}

	private void drain() {
		Instant now = clock.instant();
		List<Notification> due = outbox.due(now, BATCH);
		for (Notification notification : due) {
			if (outbox.claim(notification, now.plus(LEASE))) {
				senderPool.execute(() -> deliver(notification));
			}
		}
	}

	private void deliver(Notification notification) {
		String subscriptionId = new IdType(notification.subscription()).getIdPart();
		ActiveSubscription active = subscriptions.get(subscriptionId);
		if (active == null) {
			cancelOrWait(notification, subscriptionId);
			return;
		}
		var refusal = endpointPolicy.refusal(active.getSubscription().getEndpointUrl());
		if (refusal.isPresent()) {
			// the operator narrowed the allowed hosts since the subscription was accepted
			outbox.markCancelled(notification.id(), "Endpoint no longer allowed: " + refusal.get(), clock.instant());
			return;
		}
		ResourceDeliveryMessage message = JsonUtil.deserialize(notification.message(), ResourceDeliveryMessage.class);
		message.setSubscription(active.getSubscription());
		try {
			RestHookToOutbox.deliverThrough(() -> senders.get().handleMessage(message));
			outbox.markDelivered(notification.id(), clock.instant());
		} catch (Exception e) {
			if (answeredWithSuccessButNoResource(e)) {
				outbox.markDelivered(notification.id(), clock.instant());
				return;
			}
			Instant now = clock.instant();
			var next = retry.nextAttempt(notification.created(), notification.attempts() + 1, now);
			String error = DeliveryError.describe(e, active.getSubscription().getEndpointUrl());
			outbox.markAttemptFailed(notification.id(), error, now, next);
			log.info("Notification {} failed (attempt {}): {}; {}", notification.id(),
					notification.attempts() + 1, error, next.map(at -> "next attempt at " + at).orElse("given up"));
		} finally {
			wake(); // the subscription's next notification may now be due
		}
	}

	/**
	 * HAPI's registry of active subscriptions is filled from the database shortly after start-up. A
	 * subscription missing from it is cancelled only if the database says it is gone or switched off;
	 * otherwise its notification waits for the registry.
	 */
	private void cancelOrWait(Notification notification, String subscriptionId) {
		if (subscriptionStore.isActive(subscriptionId)) {
			outbox.postpone(notification.id(), clock.instant().plus(properties.pollInterval()));
		} else {
			outbox.markCancelled(notification.id(), "The subscription was deleted or is no longer active", clock.instant());
		}
	}

	/**
	 * HAPI's client reads the answer to a delivery as a FHIR resource (the updated resource, or a
	 * transaction-response Bundle). An endpoint that accepted the notification with a 2xx status but
	 * answered with no body, {@code {}} or plain text has still received it, so that counts as
	 * delivered. An error status raises a server response exception carrying that status instead.
	 */
	private static boolean answeredWithSuccessButNoResource(Exception e) {
		if (e instanceof BaseServerResponseException response) {
			return response.getStatusCode() >= 200 && response.getStatusCode() < 300;
		}
		return e instanceof FhirClientConnectionException && ExceptionUtils.indexOfType(e, DataFormatException.class) >= 0;
	}

	/** After HAPI's subscription channels, so notifications queued at shutdown are already in the outbox. */
	@Override
	public int getPhase() {
		return 10;
	}
}

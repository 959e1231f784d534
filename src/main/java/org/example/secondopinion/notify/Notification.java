package org.example.secondopinion.notify;

import java.time.Instant;

/**
 * One notification in the delivery log: what was (or is to be) sent, to where, and how it went.
 *
 * @param id            the log's own number, increasing in the order notifications were matched
 * @param subscription  the Subscription's id, e.g. {@code Subscription/42}
 * @param eventNumber   its number among the subscription's notifications, from 1, in the order they are
 *                      sent; what a topic notification carries as its event number
 * @param endpoint      where it is delivered
 * @param event         the topic's canonical URL, or the criteria of a criteria-based subscription
 * @param focus         the resource (with version) whose change triggered it
 * @param status        pending, delivered, failed (given up) or cancelled (subscription gone)
 * @param attempts      delivery attempts made so far
 * @param lastError     why the last attempt failed, if it did
 * @param message       HAPI's delivery message as JSON: what is re-sent on each attempt
 */
public record Notification(
		long id,
		String subscription,
		Long eventNumber,
		String endpoint,
		String event,
		String focus,
		Status status,
		int attempts,
		Instant created,
		Instant nextAttempt,
		Instant lastAttempt,
		Instant delivered,
		String lastError,
		String message) {

	public enum Status {
		PENDING, DELIVERED, FAILED, CANCELLED;

		public String code() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}
	}
}

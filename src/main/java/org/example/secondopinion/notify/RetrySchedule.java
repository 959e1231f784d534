package org.example.secondopinion.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a failed notification is tried again. Exponential backoff, capped, for as long as an EHR's
 * endpoint may reasonably be down (a maintenance weekend), then given up.
 */
public record RetrySchedule(Duration initialDelay, double multiplier, Duration maxDelay, Duration giveUpAfter) {

	public RetrySchedule {
		if (initialDelay.isNegative() || initialDelay.isZero() || multiplier < 1.0 || maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"Retry needs initial-delay > 0, multiplier >= 1 and max-delay >= initial-delay");
		}
	}

	/**
	 * The time of the next attempt after {@code failedAttempts} attempts have failed, the last one at
	 * {@code now}; empty when the notification, created at {@code created}, is too old to try again.
	 */
	public Optional<Instant> nextAttempt(Instant created, int failedAttempts, Instant now) {
		Instant next = now.plus(delayAfter(failedAttempts));
		if (next.isAfter(created.plus(giveUpAfter))) {
			return Optional.empty();
		}
		return Optional.of(next);
	}

	Duration delayAfter(int failedAttempts) {
		double factor = Math.pow(multiplier, Math.max(0, failedAttempts - 1));
		double millis = Math.min(initialDelay.toMillis() * factor, (double) maxDelay.toMillis());
		return Duration.ofMillis((long) millis);
	}
}

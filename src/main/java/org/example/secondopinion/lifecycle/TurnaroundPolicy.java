package org.example.secondopinion.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * When an opinion is due ({@code Task.restriction.period.end}), from the request's R4 priority
 * (routine | urgent | asap | stat). The defaults follow how real services run: about two weeks end to
 * end for a routine case, days for an urgent one. They are calendar time, not business days: a due
 * date the referrer can read off without knowing the centre's holidays.
 */
public final class TurnaroundPolicy {

	public static final String ROUTINE = "routine";

	/** routine 10 days, urgent 3 days, asap 1 day, stat 4 hours. */
	public static final Map<String, Duration> DEFAULT_TURNAROUNDS = Map.of(
			ROUTINE, Duration.ofDays(10),
			"urgent", Duration.ofDays(3),
			"asap", Duration.ofDays(1),
			"stat", Duration.ofHours(4));

	private final Map<String, Duration> turnarounds;

	/** The {@link #DEFAULT_TURNAROUNDS}. */
	public TurnaroundPolicy() {
		this(Map.of());
	}

	/**
	 * @param turnarounds priority code → time allowed; a priority left out keeps its default, so a
	 *                    configuration may change only the one it cares about
	 */
	public TurnaroundPolicy(Map<String, Duration> turnarounds) {
		Map<String, Duration> merged = new HashMap<>(DEFAULT_TURNAROUNDS);
		turnarounds.forEach((priority, duration) -> {
			if (duration == null || duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException("Turnaround for " + priority + " must be positive, got " + duration);
			}
			merged.put(priority.trim().toLowerCase(Locale.ROOT), duration);
		});
		this.turnarounds = Map.copyOf(merged);
	}

	/** The due date of a case submitted at {@code submitted}; a missing or unknown priority is routine. */
	public Instant dueFrom(Instant submitted, String priority) {
		return Objects.requireNonNull(submitted, "submitted").plus(turnaround(priority));
	}

	/** The time allowed for a priority; a missing or unknown priority is routine. */
	public Duration turnaround(String priority) {
		String key = priority == null ? ROUTINE : priority.trim().toLowerCase(Locale.ROOT);
		return turnarounds.getOrDefault(key, turnarounds.get(ROUTINE));
	}
}

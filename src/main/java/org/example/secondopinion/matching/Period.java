package org.example.secondopinion.matching;

import java.time.Instant;

/**
 * A time an expert is not available (leave, a congress), from PractitionerRole.notAvailable.during.
 *
 * @param start inclusive; null when it has no known start
 * @param end   exclusive; null when it has no known end (unavailable until further notice)
 */
public record Period(Instant start, Instant end) {

	public Period {
		if (start != null && end != null && end.isBefore(start)) {
			throw new IllegalArgumentException("A period cannot end (" + end + ") before it starts (" + start + ")");
		}
	}

	public boolean contains(Instant instant) {
		return (start == null || !instant.isBefore(start)) && (end == null || instant.isBefore(end));
	}
}

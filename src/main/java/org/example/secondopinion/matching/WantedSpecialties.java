package org.example.secondopinion.matching;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The specialties (so-codes codes) each kind of request wants, where the request names none itself in
 * performerType. Which team a kind of case needs is the centre's choice, so the lists are
 * configuration ({@code second-opinion.workflow.specialties}); an empty list means no preference, and
 * every active, available expert is ranked by workload.
 */
public final class WantedSpecialties {

	private final Map<String, Set<String>> byKind;
	private final Set<String> byDefault;

	/**
	 * @param byKind    request-kind code → the specialties that kind wants
	 * @param byDefault what any other request (or one without a kind) wants
	 * @throws IllegalArgumentException for a blank specialty code, which no expert could match
	 */
	public WantedSpecialties(Map<String, Set<String>> byKind, Set<String> byDefault) {
		Map<String, Set<String>> checked = new LinkedHashMap<>();
		byKind.forEach((kind, codes) -> checked.put(kind, checked(kind, codes)));
		this.byKind = Map.copyOf(checked);
		this.byDefault = checked("default", byDefault);
	}

	public Set<String> forKind(String requestKind) {
		return requestKind == null ? byDefault : byKind.getOrDefault(requestKind, byDefault);
	}

	private static Set<String> checked(String kind, Set<String> codes) {
		if (codes == null) {
			return Set.of();
		}
		if (codes.stream().anyMatch(code -> code == null || code.isBlank())) {
			throw new IllegalArgumentException("A blank specialty code for requests of kind " + kind
					+ ": every code must be a so-codes specialty, such as orthopaedic-oncology");
		}
		return Set.copyOf(codes);
	}
}

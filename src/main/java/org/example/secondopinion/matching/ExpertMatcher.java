package org.example.secondopinion.matching;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Proposes experts for a case, best first, so the centre's staff route a request to the right
 * specialist without reading the whole directory. It proposes; the staff assign.
 *
 * <p>Order: more of the wanted specialties first (a case wanting pathology and radiology re-reads is
 * best served by someone who covers both), then the lower workload (the case is done sooner), then
 * the name, so the same directory always gives the same list. Inactive experts, those without any
 * wanted specialty and those unavailable now are skipped, each with the reason.
 */
public final class ExpertMatcher {

	/** The reason an expert outside the wanted specialties is skipped. */
	public static final String NO_WANTED_SPECIALTY = "outside the specialties the case asks for";

	private static final Comparator<Match> BEST_FIRST = Comparator
			.comparingInt((Match match) -> -match.matched().size())
			.thenComparingInt(match -> match.expert().openCases())
			.thenComparing(match -> match.expert().name(), Comparator.nullsLast(Comparator.naturalOrder()))
			.thenComparing(match -> match.expert().practitionerRoleRef(), Comparator.nullsLast(Comparator.naturalOrder()));

	private record Match(ExpertCandidate expert, Set<String> matched) {
	}

	/**
	 * @param wantedSpecialties the specialties the case wants; empty means no preference, and every
	 *                          active, available expert is ranked by workload
	 * @param now               the moment availability is judged at
	 */
	public Ranking rank(Collection<ExpertCandidate> candidates, Set<String> wantedSpecialties, Instant now) {
		List<Match> matches = new ArrayList<>();
		List<SkippedExpert> skipped = new ArrayList<>();
		for (ExpertCandidate candidate : candidates) {
			Set<String> matched = new TreeSet<>(candidate.specialtyCodes());
			matched.retainAll(wantedSpecialties);
			Optional<String> unavailable = unavailableUntil(candidate, now);
			if (!candidate.active()) {
				skipped.add(new SkippedExpert(candidate, "inactive"));
			} else if (!wantedSpecialties.isEmpty() && matched.isEmpty()) {
				skipped.add(new SkippedExpert(candidate, NO_WANTED_SPECIALTY));
			} else if (unavailable.isPresent()) {
				skipped.add(new SkippedExpert(candidate, "unavailable until " + unavailable.get()));
			} else {
				matches.add(new Match(candidate, matched));
			}
		}
		matches.sort(BEST_FIRST);
		List<RankedExpert> ranked = new ArrayList<>();
		for (Match match : matches) {
			ranked.add(new RankedExpert(match.expert(), ranked.size() + 1, reason(match)));
		}
		return new Ranking(ranked, skipped);
	}

	private static String reason(Match match) {
		String specialties = match.matched().isEmpty() ? "no specialty asked for" : String.join(", ", match.matched());
		int open = match.expert().openCases();
		return specialties + "; available; " + open + (open == 1 ? " open case" : " open cases");
	}

	/**
	 * Until when the expert is unavailable, following back-to-back periods (leave followed by a
	 * congress is one absence); empty when available now.
	 */
	private static Optional<String> unavailableUntil(ExpertCandidate candidate, Instant now) {
		Instant until = now;
		boolean unavailable = false;
		while (true) {
			Instant at = until;
			List<Period> covering = candidate.notAvailable().stream().filter(period -> period.contains(at)).toList();
			if (covering.isEmpty()) {
				return unavailable ? Optional.of(until.toString()) : Optional.empty();
			}
			unavailable = true;
			if (covering.stream().anyMatch(period -> period.end() == null)) {
				return Optional.of("further notice");
			}
			until = covering.stream().map(Period::end).max(Comparator.naturalOrder()).orElseThrow();
		}
	}
}

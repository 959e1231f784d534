package org.example.secondopinion.matching;

import java.util.List;

/**
 * The result of matching: who may take the case, best first, and who was left out and why. The
 * skipped are kept so the staff can see why an expert they expected is not proposed.
 */
public record Ranking(List<RankedExpert> ranked, List<SkippedExpert> skipped) {

	public Ranking {
		ranked = List.copyOf(ranked);
		skipped = List.copyOf(skipped);
	}
}

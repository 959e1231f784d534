package org.example.secondopinion.matching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpertMatcherTest {

	private static final Instant NOW = Instant.parse("2025-03-03T09:00:00Z");
	private static final Set<String> SARCOMA_TEAM =
			Set.of("orthopaedic-oncology", "musculoskeletal-pathology", "musculoskeletal-radiology");

	private final ExpertMatcher matcher = new ExpertMatcher();

	@Test
	void theRightSpecialtyComesBeforeALowerWorkload() {
		ExpertCandidate oncologist = expert("Dr Onco", Set.of("orthopaedic-oncology"), 5);
		ExpertCandidate radiologistAndPathologist = expert("Dr Both", Set.of("musculoskeletal-radiology", "musculoskeletal-pathology"), 7);
		ExpertCandidate cardiologist = expert("Dr Heart", Set.of("cardiology"), 0);

		Ranking ranking = matcher.rank(List.of(oncologist, cardiologist, radiologistAndPathologist), SARCOMA_TEAM, NOW);

		assertThat(ranking.ranked()).extracting(RankedExpert::expert).containsExactly(radiologistAndPathologist, oncologist);
		assertThat(ranking.skipped()).singleElement().satisfies(skipped -> {
			assertThat(skipped.expert()).isEqualTo(cardiologist);
			assertThat(skipped.reason()).isEqualTo(ExpertMatcher.NO_WANTED_SPECIALTY);
		});
	}

	@Test
	void amongEquallyMatchedExpertsTheLowerWorkloadComesFirst() {
		ExpertCandidate busy = expert("Dr Busy", Set.of("orthopaedic-oncology"), 6);
		ExpertCandidate free = expert("Dr Free", Set.of("orthopaedic-oncology"), 1);

		Ranking ranking = matcher.rank(List.of(busy, free), Set.of("orthopaedic-oncology"), NOW);

		assertThat(ranking.ranked()).extracting(RankedExpert::expert).containsExactly(free, busy);
		assertThat(ranking.ranked()).extracting(RankedExpert::rank).containsExactly(1, 2);
		assertThat(ranking.ranked()).extracting(RankedExpert::reason).containsExactly(
				"orthopaedic-oncology; available; 1 open case",
				"orthopaedic-oncology; available; 6 open cases");
	}

	@Test
	void aTieIsBrokenByNameSoTheOrderIsStable() {
		ExpertCandidate zed = expert("Dr Zed", Set.of("orthopaedic-oncology"), 2);
		ExpertCandidate abel = expert("Dr Abel", Set.of("orthopaedic-oncology"), 2);

		assertThat(matcher.rank(List.of(zed, abel), Set.of("orthopaedic-oncology"), NOW).ranked())
				.extracting(RankedExpert::expert).containsExactly(abel, zed);
	}

	@Test
	void anExpertUnavailableNowIsSkippedSayingUntilWhen() {
		Instant back = NOW.plus(Duration.ofDays(7));
		ExpertCandidate onLeave = new ExpertCandidate("PractitionerRole/leave", "Dr Leave", Set.of("orthopaedic-oncology"), true,
				List.of(new Period(NOW.minus(Duration.ofDays(2)), back)), 0);
		ExpertCandidate present = expert("Dr Present", Set.of("orthopaedic-oncology"), 9);

		Ranking ranking = matcher.rank(List.of(onLeave, present), Set.of("orthopaedic-oncology"), NOW);

		assertThat(ranking.ranked()).extracting(RankedExpert::expert).containsExactly(present);
		assertThat(ranking.skipped()).singleElement().satisfies(skipped -> {
			assertThat(skipped.expert()).isEqualTo(onLeave);
			assertThat(skipped.reason()).isEqualTo("unavailable until 2025-03-10T09:00:00Z");
		});
	}

	@Test
	void backToBackAbsencesAreOneAbsence() {
		Instant leaveEnds = NOW.plus(Duration.ofDays(3));
		Instant congressEnds = NOW.plus(Duration.ofDays(5));
		ExpertCandidate away = new ExpertCandidate("PractitionerRole/away", "Dr Away", Set.of("orthopaedic-oncology"), true,
				List.of(new Period(NOW.minus(Duration.ofDays(1)), leaveEnds), new Period(leaveEnds, congressEnds)), 0);

		assertThat(matcher.rank(List.of(away), Set.of("orthopaedic-oncology"), NOW).skipped())
				.extracting(SkippedExpert::reason).containsExactly("unavailable until " + congressEnds);
	}

	@Test
	void anOpenEndedAbsenceIsUntilFurtherNotice() {
		ExpertCandidate away = new ExpertCandidate("PractitionerRole/away", "Dr Away", Set.of("orthopaedic-oncology"), true,
				List.of(new Period(NOW.minus(Duration.ofDays(1)), null)), 0);

		assertThat(matcher.rank(List.of(away), Set.of("orthopaedic-oncology"), NOW).skipped())
				.extracting(SkippedExpert::reason).containsExactly("unavailable until further notice");
	}

	@Test
	void anAbsenceInThePastOrFutureDoesNotMatterNow() {
		ExpertCandidate expert = new ExpertCandidate("PractitionerRole/x", "Dr X", Set.of("orthopaedic-oncology"), true,
				List.of(new Period(NOW.minus(Duration.ofDays(9)), NOW), new Period(NOW.plus(Duration.ofDays(1)), null)), 0);

		assertThat(matcher.rank(List.of(expert), Set.of("orthopaedic-oncology"), NOW).ranked()).hasSize(1);
	}

	@Test
	void anInactiveExpertIsSkipped() {
		ExpertCandidate retired = new ExpertCandidate("PractitionerRole/retired", "Dr Retired", Set.of("orthopaedic-oncology"), false, List.of(), 0);

		Ranking ranking = matcher.rank(List.of(retired), Set.of("orthopaedic-oncology"), NOW);

		assertThat(ranking.ranked()).isEmpty();
		assertThat(ranking.skipped()).extracting(SkippedExpert::reason).containsExactly("inactive");
	}

	@Test
	void noWantedSpecialtyMeansEveryAvailableExpertRanksByWorkload() {
		ExpertCandidate busy = expert("Dr Busy", Set.of("musculoskeletal-pathology"), 4);
		ExpertCandidate free = expert("Dr Free", Set.of(), 0);

		Ranking ranking = matcher.rank(List.of(busy, free), Set.of(), NOW);

		assertThat(ranking.ranked()).extracting(RankedExpert::expert).containsExactly(free, busy);
		assertThat(ranking.skipped()).isEmpty();
	}

	private static ExpertCandidate expert(String name, Set<String> specialties, int openCases) {
		return new ExpertCandidate("PractitionerRole/" + name.replace(' ', '-'), name, specialties, true, List.of(), openCases);
	}
}

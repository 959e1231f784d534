package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.example.secondopinion.lifecycle.CaseState.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpinionRulesTest {

	private static final String EXPERT = "PractitionerRole/expert-1";
	private static final String OTHER_EXPERT = "PractitionerRole/expert-2";
	private static final String REASON = "Answers the referrer's question about margins";

	private final OpinionRules rules = new OpinionRules();

	@Test
	void aPreliminaryOpinionByTheAssignedExpertIsAllowed() {
		assertThat(rules.check(newOpinion("preliminary", ASSIGNED))).isEmpty();
	}

	@ParameterizedTest(name = "a final opinion on a case {0} is allowed")
	@EnumSource(value = CaseState.class, names = {"ASSIGNED", "IN_REVIEW"})
	void aFinalOpinionByTheAssignedExpertOnACaseUnderReviewIsAllowed(CaseState state) {
		assertThat(rules.check(newOpinion("final", state))).isEmpty();
		assertThat(rules.check(update("preliminary", "final", state))).isEmpty();
	}

	@Test
	void anOpinionByAnExpertNotAssignedIsRejected() {
		OpinionWrite write = new OpinionWrite("preliminary", true, null, List.of(OTHER_EXPERT), IN_REVIEW, EXPERT, false, null);

		assertThat(rules.check(write)).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("opinion-by-assigned-expert");
			assertThat(violation.httpStatus()).isEqualTo(422);
			assertThat(violation.message()).contains("DiagnosticReport.performer").contains(EXPERT);
		});
	}

	@Test
	void anOpinionOnACaseWithNoExpertAssignedIsRejected() {
		OpinionWrite write = new OpinionWrite("preliminary", true, null, List.of(EXPERT), TRIAGE, null, false, null);

		assertThat(rules.check(write)).extracting(RuleViolation::rule).containsExactly("opinion-by-assigned-expert");
		assertThat(rules.check(write).get(0).message()).contains("No expert is assigned").contains("in triage");
	}

	@Test
	void theAssignedExpertIsRecognisedHoweverTheReferenceIsWritten() {
		OpinionWrite write = new OpinionWrite("preliminary", true, null,
				List.of("Practitioner/p-9", "https://so.example.org/fhir/PractitionerRole/expert-1/_history/4"),
				IN_REVIEW, EXPERT, false, null);

		assertThat(rules.check(write)).isEmpty();
	}

	@ParameterizedTest(name = "a {1} opinion on a {0} case is rejected")
	@CsvSource({"CANCELLED, preliminary", "CANCELLED, final", "REJECTED, preliminary", "REJECTED, final"})
	void anOpinionOnARevokedRequestIsRejected(CaseState closed, String status) {
		assertThat(closed.requestStatus()).isEqualTo("revoked");

		assertThat(rules.check(newOpinion(status, closed))).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("opinion-on-closed-case");
			assertThat(violation.httpStatus()).isEqualTo(409);
			assertThat(violation.message()).contains(closed.description());
		});
	}

	@Test
	void aSecondFinalOpinionIsRejected() {
		OpinionWrite write = new OpinionWrite("final", true, null, List.of(EXPERT), COMPLETED, EXPERT, true, null);

		assertThat(rules.check(write)).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("one-final-opinion");
			assertThat(violation.httpStatus()).isEqualTo(409);
		});
	}

	@Test
	void aFinalOpinionWhileAwaitingInformationIsRejectedNamingTheState() {
		assertThat(rules.check(newOpinion("final", AWAITING_INFORMATION))).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("final-opinion-needs-open-review");
			assertThat(violation.httpStatus()).isEqualTo(409);
			assertThat(violation.message()).startsWith("The case is awaiting information from the referrer;");
		});
	}

	@Test
	void aFinalOpinionOnACompletedCaseWithoutAnotherFinalIsRejectedNamingTheState() {
		assertThat(rules.check(newOpinion("final", COMPLETED))).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("final-opinion-needs-open-review");
			assertThat(violation.message()).startsWith("The case is completed;");
		});
	}

	@ParameterizedTest(name = "{0} replaces a final opinion")
	@ValueSource(strings = {"amended", "corrected", "appended"})
	void aFinalOpinionMayBeAmendedOrCorrected(String status) {
		assertThat(rules.check(amendment("final", status))).isEmpty();
		assertThat(rules.check(amendment("amended", status))).isEmpty();
	}

	@ParameterizedTest(name = "{0} of a released opinion without a reason is rejected")
	@ValueSource(strings = {"amended", "corrected", "appended"})
	void anAmendmentWithoutAReasonIsRejectedNamingTheExtension(String status) {
		for (String previous : List.of("final", "amended")) {
			assertThat(rules.check(update(previous, status, COMPLETED))).singleElement().satisfies(violation -> {
				assertThat(violation.rule()).isEqualTo("amend-with-reason");
				assertThat(violation.httpStatus()).isEqualTo(422);
				assertThat(violation.message()).contains("already " + previous)
						.contains("https://second-opinion.example.org/fhir/StructureDefinition/so-amendment-reason");
			});
		}
	}

	@ParameterizedTest(name = "reason \"{0}\" is no reason")
	@ValueSource(strings = {"", "  ", "\t\n"})
	void aBlankReasonIsNoReason(String blank) {
		assertThat(rules.check(update("final", "amended", COMPLETED).withAmendmentReason(blank)))
				.extracting(RuleViolation::rule).containsExactly("amend-with-reason");
	}

	@Test
	void anAmendmentThatIsRefusedForAnotherRuleIsNotAskedForAReason() {
		// amending a draft is wrong whatever the reason: only amend-only-final is reported
		assertThat(rules.check(update("preliminary", "amended", IN_REVIEW))).extracting(RuleViolation::rule)
				.containsExactly("amend-only-final");
	}

	@Test
	void draftsAndTheFirstFinalOpinionNeedNoReason() {
		assertThat(rules.check(update("preliminary", "preliminary", IN_REVIEW))).isEmpty();
		assertThat(rules.check(update("preliminary", "final", IN_REVIEW))).isEmpty();
		assertThat(rules.check(newOpinion("final", ASSIGNED))).isEmpty();
	}

	@ParameterizedTest(name = "{0} without a final opinion before it is rejected")
	@ValueSource(strings = {"amended", "corrected"})
	void onlyAFinalOpinionCanBeAmended(String status) {
		assertThat(rules.check(newOpinion(status, IN_REVIEW))).extracting(RuleViolation::rule, RuleViolation::httpStatus)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("amend-only-final", 422));
		assertThat(rules.check(update("preliminary", status, IN_REVIEW))).extracting(RuleViolation::rule)
				.containsExactly("amend-only-final");
	}

	@Test
	void aFinalOpinionIsChangedByAmendingItNotByWritingItFinalAgain() {
		assertThat(rules.check(update("final", "final", COMPLETED))).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("amend-only-final");
			assertThat(violation.message()).contains("amended or corrected");
		});
	}

	@ParameterizedTest(name = "{0} → preliminary is rejected")
	@ValueSource(strings = {"final", "amended", "corrected"})
	void aReleasedOpinionCannotGoBackToPreliminary(String previous) {
		assertThat(rules.check(update(previous, "preliminary", COMPLETED))).singleElement().satisfies(violation -> {
			assertThat(violation.rule()).isEqualTo("no-return-to-preliminary");
			assertThat(violation.httpStatus()).isEqualTo(422);
		});
	}

	@Test
	void everyBrokenRuleIsReportedAtOnce() {
		OpinionWrite write = new OpinionWrite("amended", true, null, List.of(OTHER_EXPERT), CANCELLED, EXPERT, false, null);

		assertThat(rules.check(write)).extracting(RuleViolation::rule)
				.containsExactlyInAnyOrder("opinion-by-assigned-expert", "opinion-on-closed-case", "amend-only-final");
	}

	@ParameterizedTest(name = "{0} → {1}")
	@CsvSource({
			"preliminary, REVIEW_STARTED",
			"partial,     REVIEW_STARTED",
			"final,       FINAL_OPINION",
			"amended,     OPINION_AMENDED",
			"corrected,   OPINION_AMENDED",
			"appended,    OPINION_AMENDED"})
	void eachOpinionStatusIsALifecycleEvent(String status, CaseEvent event) {
		assertThat(rules.eventFor(newOpinion(status, IN_REVIEW))).contains(event);
	}

	@ParameterizedTest(name = "{0} moves nothing")
	@ValueSource(strings = {"registered", "cancelled", "entered-in-error", "unknown"})
	void otherOpinionStatusesAreNoEvent(String status) {
		assertThat(rules.eventFor(newOpinion(status, IN_REVIEW))).isEmpty();
	}

	@Test
	void aNewOpinionHasNoPreviousStatus() {
		assertThatThrownBy(() -> new OpinionWrite("final", true, "preliminary", List.of(EXPERT), IN_REVIEW, EXPERT, false, null))
				.isInstanceOf(IllegalArgumentException.class);
	}

	private static OpinionWrite newOpinion(String status, CaseState state) {
		return new OpinionWrite(status, true, null, List.of(EXPERT), state, EXPERT, false, null);
	}

	private static OpinionWrite update(String previous, String status, CaseState state) {
		return new OpinionWrite(status, false, previous, List.of(EXPERT), state, EXPERT, false, null);
	}

	private static OpinionWrite amendment(String previous, String status) {
		return update(previous, status, COMPLETED).withAmendmentReason(REASON);
	}
}

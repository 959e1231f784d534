package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.example.secondopinion.lifecycle.CaseEvent.*;
import static org.example.secondopinion.lifecycle.CaseState.*;

import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (state, event) pair of the matrix: the allowed ones lead where the table below says, every
 * other one is refused. The table is written out here again, independently of CaseLifecycle, so a
 * change to either shows.
 */
class CaseLifecycleTest {

	private static final Map<CaseState, Map<CaseEvent, CaseState>> EXPECTED = expectedTable();

	private final CaseLifecycle lifecycle = new CaseLifecycle();

	@ParameterizedTest(name = "{0} + {1} → {2}")
	@MethodSource("allowedTransitions")
	void anAllowedTransitionLeadsToItsState(CaseState current, CaseEvent event, CaseState expected) {
		assertThat(lifecycle.allows(current, event)).isTrue();
		assertThat(lifecycle.next(current, event)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} + {1} is forbidden")
	@MethodSource("forbiddenTransitions")
	void everyOtherTransitionIsForbiddenWithAMessageNamingTheState(CaseState current, CaseEvent event) {
		assertThat(lifecycle.allows(current, event)).isFalse();
		assertThatThrownBy(() -> lifecycle.next(current, event))
				.isInstanceOfSatisfying(ForbiddenTransitionException.class, e -> {
					assertThat(e.current()).isEqualTo(current);
					assertThat(e.event()).isEqualTo(event);
					assertThat(e.getMessage()).startsWith("The case is " + current.description() + "; ");
				});
	}

	@Test
	void theMatrixIsCoveredOnce() {
		assertThat(allowedTransitions().count() + forbiddenTransitions().count())
				.isEqualTo((long) CaseState.values().length * CaseEvent.values().length);
		assertThat(allowedTransitions().count()).isEqualTo(33);
	}

	@Test
	void aSecondFinalOpinionOnACompletedCaseIsForbidden() {
		assertThatThrownBy(() -> lifecycle.next(COMPLETED, FINAL_OPINION))
				.isInstanceOf(ForbiddenTransitionException.class)
				.hasMessage("The case is completed; a second final opinion is not allowed (amend the final opinion instead)");
	}

	@ParameterizedTest(name = "a cancelled case cannot be reopened by {0}")
	@EnumSource(value = CaseEvent.class, names = {"SUBMITTED_COMPLETE", "RECORDS_COMPLETE", "EXPERT_ASSIGNED", "QUESTION_ANSWERED"})
	void aCancelledCaseCannotBeReopened(CaseEvent event) {
		assertThatThrownBy(() -> lifecycle.next(CANCELLED, event))
				.isInstanceOf(ForbiddenTransitionException.class)
				.hasMessageStartingWith("The case is cancelled; a cancelled case cannot be reopened (")
				.hasMessageContaining(event.description());
	}

	@ParameterizedTest(name = "no opinion on a {0} case: {1}")
	@MethodSource("opinionsOnRevokedRequests")
	void anOpinionOnACancelledOrRejectedCaseIsForbidden(CaseState closed, CaseEvent opinion) {
		assertThat(closed.requestStatus()).isEqualTo("revoked");
		assertThatThrownBy(() -> lifecycle.next(closed, opinion))
				.isInstanceOf(ForbiddenTransitionException.class)
				.hasMessage("The case is " + closed.description() + "; no opinion may be written on a " + closed.description() + " case");
	}

	@Test
	void aFinalOpinionWhileAwaitingInformationIsForbidden() {
		assertThatThrownBy(() -> lifecycle.next(AWAITING_INFORMATION, FINAL_OPINION))
				.isInstanceOf(ForbiddenTransitionException.class)
				.hasMessage("The case is awaiting information from the referrer; a final opinion is not allowed until the referrer answers");
	}

	@Test
	void aClosedCaseCannotBeCancelledOrRejectedAgain() {
		assertThatThrownBy(() -> lifecycle.next(COMPLETED, CANCELLED_BY_REFERRER))
				.hasMessage("The case is completed; a closed case cannot be cancelled");
		assertThatThrownBy(() -> lifecycle.next(CANCELLED, REJECTED_BY_CENTRE))
				.hasMessage("The case is cancelled; a closed case cannot be rejected");
	}

	@Test
	void aCaseIsSubmittedOnlyOnce() {
		assertThatThrownBy(() -> lifecycle.next(TRIAGE, SUBMITTED_COMPLETE))
				.hasMessage("The case is in triage; it has already been submitted");
	}

	@Test
	void anExpertCannotStartReviewingBeforeAssignment() {
		assertThatThrownBy(() -> lifecycle.next(TRIAGE, REVIEW_STARTED))
				.hasMessage("The case is in triage; starting the review is not allowed");
	}

	@Test
	void aTypicalCaseRunsFromSubmissionToAnAmendedOpinion() {
		CaseState state = SUBMITTED;
		for (CaseEvent event : new CaseEvent[] {SUBMITTED_INCOMPLETE, RECORDS_COMPLETE, EXPERT_ASSIGNED, REVIEW_STARTED,
				QUESTION_ASKED, QUESTION_ANSWERED, FINAL_OPINION, OPINION_AMENDED}) {
			state = lifecycle.next(state, event);
		}
		assertThat(state).isEqualTo(COMPLETED);
	}

	@Test
	void nullsAreRefused() {
		assertThatThrownBy(() -> lifecycle.next(null, FINAL_OPINION)).isInstanceOf(NullPointerException.class);
		assertThatThrownBy(() -> lifecycle.allows(IN_REVIEW, null)).isInstanceOf(NullPointerException.class);
	}

	static Stream<Arguments> allowedTransitions() {
		return EXPECTED.entrySet().stream().flatMap(byState -> byState.getValue().entrySet().stream()
				.map(byEvent -> Arguments.of(byState.getKey(), byEvent.getKey(), byEvent.getValue())));
	}

	static Stream<Arguments> forbiddenTransitions() {
		return Stream.of(CaseState.values()).flatMap(state -> Stream.of(CaseEvent.values())
				.filter(event -> !EXPECTED.get(state).containsKey(event))
				.map(event -> Arguments.of(state, event)));
	}

	static Stream<Arguments> opinionsOnRevokedRequests() {
		return Stream.of(CANCELLED, REJECTED).flatMap(state ->
				Stream.of(REVIEW_STARTED, FINAL_OPINION, OPINION_AMENDED).map(event -> Arguments.of(state, event)));
	}

	private static Map<CaseState, Map<CaseEvent, CaseState>> expectedTable() {
		Map<CaseState, Map<CaseEvent, CaseState>> table = new EnumMap<>(CaseState.class);
		for (CaseState state : CaseState.values()) {
			table.put(state, new EnumMap<>(CaseEvent.class));
		}
		table.get(SUBMITTED).putAll(Map.of(SUBMITTED_COMPLETE, TRIAGE, SUBMITTED_INCOMPLETE, AWAITING_RECORDS));
		table.get(AWAITING_RECORDS).putAll(Map.of(RECORDS_COMPLETE, TRIAGE));
		table.get(TRIAGE).putAll(Map.of(RECORDS_MISSING, AWAITING_RECORDS, EXPERT_ASSIGNED, ASSIGNED));
		table.get(ASSIGNED).putAll(Map.of(
				RECORDS_MISSING, AWAITING_RECORDS,
				EXPERT_ASSIGNED, ASSIGNED,
				REVIEW_STARTED, IN_REVIEW,
				QUESTION_ASKED, AWAITING_INFORMATION,
				FINAL_OPINION, COMPLETED));
		table.get(IN_REVIEW).putAll(Map.of(
				RECORDS_MISSING, AWAITING_RECORDS,
				EXPERT_ASSIGNED, ASSIGNED,
				REVIEW_STARTED, IN_REVIEW,
				QUESTION_ASKED, AWAITING_INFORMATION,
				QUESTION_ANSWERED, IN_REVIEW,
				FINAL_OPINION, COMPLETED));
		table.get(AWAITING_INFORMATION).putAll(Map.of(
				RECORDS_MISSING, AWAITING_RECORDS,
				EXPERT_ASSIGNED, ASSIGNED,
				QUESTION_ASKED, AWAITING_INFORMATION,
				QUESTION_ANSWERED, IN_REVIEW));
		table.get(COMPLETED).putAll(Map.of(OPINION_AMENDED, COMPLETED));
		for (CaseState open : new CaseState[] {SUBMITTED, AWAITING_RECORDS, TRIAGE, ASSIGNED, IN_REVIEW, AWAITING_INFORMATION}) {
			table.get(open).put(REJECTED_BY_CENTRE, REJECTED);
			table.get(open).put(CANCELLED_BY_REFERRER, CANCELLED);
		}
		return table;
	}
}

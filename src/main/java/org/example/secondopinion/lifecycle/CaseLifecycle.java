package org.example.secondopinion.lifecycle;

import static org.example.secondopinion.lifecycle.CaseEvent.*;
import static org.example.secondopinion.lifecycle.CaseState.*;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which state follows which: the one table of allowed changes of a second-opinion case. Everything
 * not in the table is forbidden, so a new event or state is closed until someone decides what it may
 * do.
 *
 * <p>A case has no state before it is submitted; its start is modelled as {@link CaseState#SUBMITTED}
 * followed by {@link CaseEvent#SUBMITTED_COMPLETE} or {@link CaseEvent#SUBMITTED_INCOMPLETE}.
 * Some events leave the state as it is on purpose (reassigning an expert, editing a preliminary
 * opinion, a follow-up question, new records during review, amending a completed opinion): they are
 * allowed, so the adapter can record them, but change nothing.
 *
 * <p>Open states may always be rejected by the centre or cancelled by the referrer; closed ones
 * ({@link CaseState#isTerminal()}) allow nothing but amending a completed opinion.
 */
public final class CaseLifecycle {

	private static final Map<CaseState, Map<CaseEvent, CaseState>> ALLOWED = allowedTransitions();

	/**
	 * The state the case is in after the event.
	 *
	 * @throws ForbiddenTransitionException when the current state does not allow the event
	 */
	public CaseState next(CaseState current, CaseEvent event) {
		Objects.requireNonNull(current, "current");
		Objects.requireNonNull(event, "event");
		CaseState next = ALLOWED.get(current).get(event);
		if (next == null) {
			throw new ForbiddenTransitionException(current, event, forbiddenMessage(current, event));
		}
		return next;
	}

	public boolean allows(CaseState current, CaseEvent event) {
		return ALLOWED.get(Objects.requireNonNull(current, "current")).containsKey(Objects.requireNonNull(event, "event"));
	}

	/** Why the event is not allowed in the current state, in one sentence naming both. */
	static String forbiddenMessage(CaseState current, CaseEvent event) {
		String prefix = "The case is " + current.description() + "; ";
		if (current == COMPLETED && event == FINAL_OPINION) {
			return prefix + "a second final opinion is not allowed (amend the final opinion instead)";
		}
		if ((current == CANCELLED || current == REJECTED) && writesOpinion(event)) {
			return prefix + "no opinion may be written on a " + current.description() + " case";
		}
		if ((current == CANCELLED || current == REJECTED) && event != REJECTED_BY_CENTRE && event != CANCELLED_BY_REFERRER) {
			return prefix + "a " + current.description() + " case cannot be reopened (" + event.description() + " is not allowed)";
		}
		if (current.isTerminal() && (event == REJECTED_BY_CENTRE || event == CANCELLED_BY_REFERRER)) {
			return prefix + "a closed case cannot be " + (event == REJECTED_BY_CENTRE ? "rejected" : "cancelled");
		}
		if (current == AWAITING_INFORMATION && event == FINAL_OPINION) {
			return prefix + "a final opinion is not allowed until the referrer answers";
		}
		if (event == SUBMITTED_COMPLETE || event == SUBMITTED_INCOMPLETE) {
			return prefix + "it has already been submitted";
		}
		return prefix + event.description() + " is not allowed";
	}

	private static boolean writesOpinion(CaseEvent event) {
		return event == REVIEW_STARTED || event == FINAL_OPINION || event == OPINION_AMENDED;
	}

	private static Map<CaseState, Map<CaseEvent, CaseState>> allowedTransitions() {
		Map<CaseState, Map<CaseEvent, CaseState>> table = new EnumMap<>(CaseState.class);
		for (CaseState state : CaseState.values()) {
			table.put(state, new EnumMap<>(CaseEvent.class));
		}
		allow(table, SUBMITTED, SUBMITTED_COMPLETE, TRIAGE);
		allow(table, SUBMITTED, SUBMITTED_INCOMPLETE, AWAITING_RECORDS);
		allow(table, AWAITING_RECORDS, RECORDS_COMPLETE, TRIAGE);
		// a required record withdrawn sends an open case back for it, its expert kept
		for (CaseState state : List.of(TRIAGE, ASSIGNED, IN_REVIEW, AWAITING_INFORMATION)) {
			allow(table, state, RECORDS_MISSING, AWAITING_RECORDS);
		}

		allow(table, TRIAGE, EXPERT_ASSIGNED, ASSIGNED);
		allow(table, ASSIGNED, EXPERT_ASSIGNED, ASSIGNED);
		allow(table, IN_REVIEW, EXPERT_ASSIGNED, ASSIGNED);
		allow(table, AWAITING_INFORMATION, EXPERT_ASSIGNED, ASSIGNED);

		allow(table, ASSIGNED, REVIEW_STARTED, IN_REVIEW);
		allow(table, IN_REVIEW, REVIEW_STARTED, IN_REVIEW);

		allow(table, ASSIGNED, QUESTION_ASKED, AWAITING_INFORMATION);
		allow(table, IN_REVIEW, QUESTION_ASKED, AWAITING_INFORMATION);
		allow(table, AWAITING_INFORMATION, QUESTION_ASKED, AWAITING_INFORMATION);
		allow(table, AWAITING_INFORMATION, QUESTION_ANSWERED, IN_REVIEW);
		allow(table, IN_REVIEW, QUESTION_ANSWERED, IN_REVIEW);

		allow(table, ASSIGNED, FINAL_OPINION, COMPLETED);
		allow(table, IN_REVIEW, FINAL_OPINION, COMPLETED);
		allow(table, COMPLETED, OPINION_AMENDED, COMPLETED);

		for (CaseState state : CaseState.values()) {
			if (state.isOpen()) {
				allow(table, state, REJECTED_BY_CENTRE, REJECTED);
				allow(table, state, CANCELLED_BY_REFERRER, CANCELLED);
			}
		}
		return table;
	}

	private static void allow(Map<CaseState, Map<CaseEvent, CaseState>> table, CaseState from, CaseEvent event, CaseState to) {
		table.get(from).put(event, to);
	}
}

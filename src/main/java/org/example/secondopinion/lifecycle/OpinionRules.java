package org.example.secondopinion.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an opinion write must respect, checked before it is stored so a bad write is refused with
 * every reason at once rather than one per attempt.
 *
 * <ul>
 * <li>{@value #BY_ASSIGNED_EXPERT} (422): the performer includes the expert the case is assigned to.
 * 422 rather than 403: who may call is the authorization layer's business; this rule is about what
 * the resource says, and the client can fix it by naming the right performer.</li>
 * <li>{@value #ON_CLOSED_CASE} (409): no opinion on a cancelled or rejected case, whose request is revoked.</li>
 * <li>{@value #ONE_FINAL_OPINION} (409): one final opinion per case; later changes amend it.</li>
 * <li>{@value #FINAL_NEEDS_OPEN_REVIEW} (409): a final opinion only when the case allows
 * {@link CaseEvent#FINAL_OPINION} (assigned or in review; not while a question is pending).</li>
 * <li>{@value #AMEND_ONLY_FINAL} (422): amended, corrected or appended only replaces a final (or
 * already amended) opinion; a final opinion already stored is changed only that way.</li>
 * <li>{@value #AMEND_WITH_REASON} (422): amending, correcting or appending to a released opinion says why,
 * in the extension {@value #AMENDMENT_REASON_EXTENSION}: the referrer has read the opinion and acted on it,
 * so the change must explain itself.</li>
 * <li>{@value #NO_RETURN_TO_PRELIMINARY} (422): a released opinion does not go back to a draft.</li>
 * </ul>
 *
 * <p>Statuses are R4 DiagnosticReport.status codes. {@code appended} counts as an amendment (R4
 * makes it a kind of amended, and follow-up questions are answered as an addendum); {@code partial}
 * and {@code registered} count as drafts like {@code preliminary}.
 */
public final class OpinionRules {

	public static final String BY_ASSIGNED_EXPERT = "opinion-by-assigned-expert";
	public static final String ON_CLOSED_CASE = "opinion-on-closed-case";
	public static final String ONE_FINAL_OPINION = "one-final-opinion";
	public static final String FINAL_NEEDS_OPEN_REVIEW = "final-opinion-needs-open-review";
	public static final String AMEND_ONLY_FINAL = "amend-only-final";
	public static final String NO_RETURN_TO_PRELIMINARY = "no-return-to-preliminary";
	public static final String AMEND_WITH_REASON = "amend-with-reason";

	/** The extension that carries the reason (fhir-profiles/StructureDefinition-so-amendment-reason.json). */
	public static final String AMENDMENT_REASON_EXTENSION = "https://second-opinion.example.org/fhir/StructureDefinition/so-amendment-reason";

	private static final String FINAL = "final";
	private static final Set<String> AMENDMENTS = Set.of("amended", "corrected", "appended");
	private static final Set<String> DRAFTS = Set.of("registered", "partial", "preliminary");

	private final CaseLifecycle lifecycle;

	public OpinionRules() {
		this(new CaseLifecycle());
	}

	public OpinionRules(CaseLifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	/** Every rule the write breaks; empty when it may be stored. */
	public List<RuleViolation> check(OpinionWrite write) {
		List<RuleViolation> violations = new ArrayList<>();
		checkPerformer(write, violations);
		boolean closed = write.caseState() == CaseState.CANCELLED || write.caseState() == CaseState.REJECTED;
		if (closed) {
			violations.add(new RuleViolation(ON_CLOSED_CASE,
					"The case is " + write.caseState().description() + " and its request revoked; no opinion may be written on it", 409));
		}
		checkStatusChange(write, violations);
		boolean finalAgain = FINAL.equals(write.opinionStatus()) && isReleased(write.previousStatus());
		if (FINAL.equals(write.opinionStatus()) && !finalAgain && !closed) {
			checkFinalOpinion(write, violations);
		}
		return List.copyOf(violations);
	}

	/**
	 * The lifecycle event the write amounts to: preliminary (or partial) → {@link CaseEvent#REVIEW_STARTED},
	 * final → {@link CaseEvent#FINAL_OPINION}, amended/corrected/appended → {@link CaseEvent#OPINION_AMENDED};
	 * other statuses (registered, cancelled, entered-in-error, unknown) move nothing.
	 *
	 * <p>The event is what happened, not a promise the case may take it: a draft saved while the case is
	 * awaiting information is no {@code REVIEW_STARTED} the lifecycle allows, and the case stays where it
	 * is. Apply the event with {@link CaseLifecycle#allows} first when the write itself was allowed by
	 * {@link #check}.
	 */
	public Optional<CaseEvent> eventFor(OpinionWrite write) {
		String status = write.opinionStatus();
		if ("preliminary".equals(status) || "partial".equals(status)) {
			return Optional.of(CaseEvent.REVIEW_STARTED);
		}
		if (FINAL.equals(status)) {
			return Optional.of(CaseEvent.FINAL_OPINION);
		}
		if (AMENDMENTS.contains(status)) {
			return Optional.of(CaseEvent.OPINION_AMENDED);
		}
		return Optional.empty();
	}

	private static void checkPerformer(OpinionWrite write, List<RuleViolation> violations) {
		if (write.assignedExpertRef() == null) {
			violations.add(new RuleViolation(BY_ASSIGNED_EXPERT,
					"No expert is assigned to the case yet (it is " + write.caseState().description()
							+ "); DiagnosticReport.performer must name the assigned expert", 422));
			return;
		}
		String assigned = ExpertReference.normalise(write.assignedExpertRef());
		boolean named = write.performerRefs().stream().map(ExpertReference::normalise).anyMatch(assigned::equals);
		if (!named) {
			violations.add(new RuleViolation(BY_ASSIGNED_EXPERT,
					"DiagnosticReport.performer must include the expert the case is assigned to (" + write.assignedExpertRef() + ")", 422));
		}
	}

	private static void checkStatusChange(OpinionWrite write, List<RuleViolation> violations) {
		String status = write.opinionStatus();
		String previous = write.previousStatus();
		if (AMENDMENTS.contains(status) && !isReleased(previous)) {
			violations.add(new RuleViolation(AMEND_ONLY_FINAL,
					"Status " + status + " only replaces a final opinion; this opinion "
							+ (previous == null ? "is new" : "is " + previous) + ": write it as preliminary or final", 422));
		}
		if (AMENDMENTS.contains(status) && isReleased(previous) && !write.hasAmendmentReason()) {
			violations.add(new RuleViolation(AMEND_WITH_REASON,
					"Status " + status + " changes an opinion that is already " + previous + ": add the extension "
							+ AMENDMENT_REASON_EXTENSION + " to the DiagnosticReport, its valueString saying why", 422));
		}
		if (FINAL.equals(status) && isReleased(previous)) {
			violations.add(new RuleViolation(AMEND_ONLY_FINAL,
					"This opinion is already " + previous + "; a change to it must have status amended or corrected", 422));
		}
		if (DRAFTS.contains(status) && isReleased(previous)) {
			violations.add(new RuleViolation(NO_RETURN_TO_PRELIMINARY,
					"This opinion is already " + previous + "; it cannot go back to " + status + " (amend it instead)", 422));
		}
	}

	private void checkFinalOpinion(OpinionWrite write, List<RuleViolation> violations) {
		if (write.anotherFinalOpinionExists()) {
			violations.add(new RuleViolation(ONE_FINAL_OPINION,
					"The case already has a final opinion; a second final opinion is not allowed (amend the existing one)", 409));
		} else if (!lifecycle.allows(write.caseState(), CaseEvent.FINAL_OPINION)) {
			violations.add(new RuleViolation(FINAL_NEEDS_OPEN_REVIEW,
					CaseLifecycle.forbiddenMessage(write.caseState(), CaseEvent.FINAL_OPINION), 409));
		}
	}

	/** final, amended, corrected or appended: an opinion the referrer may already have read. */
	private static boolean isReleased(String status) {
		return status != null && (FINAL.equals(status) || AMENDMENTS.contains(status));
	}
}

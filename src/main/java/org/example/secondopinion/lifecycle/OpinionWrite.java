package org.example.secondopinion.lifecycle;

import java.util.List;
import java.util.Objects;

/**
 * A proposed write of an opinion (a DiagnosticReport based on the request), with what the rules need
 * to know about the case it belongs to.
 *
 * @param opinionStatus             the R4 DiagnosticReport.status being written (preliminary, final, amended, ...)
 * @param isNewResource             true for a create
 * @param previousStatus            the stored status before an update; null when new
 * @param performerRefs             DiagnosticReport.performer references as written
 * @param caseState                 the case's state before this write
 * @param assignedExpertRef         the Task.owner reference of the case; null when no expert is assigned
 * @param anotherFinalOpinionExists whether another opinion of the same request is already final (or amended)
 * @param amendmentReason           the reason for an amendment the write carries (extension so-amendment-reason); null when none
 */
public record OpinionWrite(
		String opinionStatus,
		boolean isNewResource,
		String previousStatus,
		List<String> performerRefs,
		CaseState caseState,
		String assignedExpertRef,
		boolean anotherFinalOpinionExists,
		String amendmentReason) {

	public OpinionWrite {
		Objects.requireNonNull(opinionStatus, "opinionStatus");
		Objects.requireNonNull(caseState, "caseState");
		performerRefs = performerRefs == null ? List.of() : List.copyOf(performerRefs);
		if (isNewResource && previousStatus != null) {
			throw new IllegalArgumentException("A new opinion has no previous status, got " + previousStatus);
		}
	}

	/** The same write carrying this amendment reason. */
	public OpinionWrite withAmendmentReason(String reason) {
		return new OpinionWrite(opinionStatus, isNewResource, previousStatus, performerRefs, caseState,
				assignedExpertRef, anotherFinalOpinionExists, reason);
	}

	/** Whether the write says why it amends the opinion (a reason that is not blank). */
	public boolean hasAmendmentReason() {
		return amendmentReason != null && !amendmentReason.isBlank();
	}
}

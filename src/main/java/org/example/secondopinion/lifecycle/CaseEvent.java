package org.example.secondopinion.lifecycle;

/**
 * Something that happens to a case and may move it to another {@link CaseState}. Events are named
 * for what happened in the world (a record arrived, an opinion was saved), not for the state they
 * lead to, so the adapters that see FHIR writes only have to say what they saw; {@link CaseLifecycle}
 * decides what it means in the current state.
 */
public enum CaseEvent {

	/** The request arrived with every record its kind requires (see {@link CompletenessRule}). */
	SUBMITTED_COMPLETE("submitting the request"),

	/** The request arrived, but at least one required record is missing. */
	SUBMITTED_INCOMPLETE("submitting the request"),

	/** A required record of an open case was withdrawn: deleted, or marked entered-in-error or superseded. */
	RECORDS_MISSING("withdrawing a required record"),

	/** The last missing record arrived. */
	RECORDS_COMPLETE("completing the records"),

	/** The centre assigned an expert, or reassigned the case to another one. */
	EXPERT_ASSIGNED("assigning an expert"),

	/** The expert started the review: a preliminary opinion was saved or edited, or the expert said so. */
	REVIEW_STARTED("starting the review"),

	/** The expert asked the referrer a question (or a follow-up question). */
	QUESTION_ASKED("asking the referrer a question"),

	/** The referrer answered the expert's question, or sent new records. */
	QUESTION_ANSWERED("answering the expert's question"),

	/** The expert's opinion was saved with status final. */
	FINAL_OPINION("a final opinion"),

	/** A final opinion was amended or corrected, e.g. an addendum answering a follow-up question. */
	OPINION_AMENDED("amending the opinion"),

	/** The centre declined the case (out of scope, records unusable, ...). */
	REJECTED_BY_CENTRE("rejecting the case"),

	/** The referrer withdrew the request. */
	CANCELLED_BY_REFERRER("cancelling the case");

	private final String description;

	CaseEvent(String description) {
		this.description = description;
	}

	/** How the requested change reads in a sentence: "{description} is not allowed". */
	public String description() {
		return description;
	}
}

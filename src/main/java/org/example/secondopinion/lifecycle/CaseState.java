package org.example.secondopinion.lifecycle;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Where a second-opinion case stands. One state is written three ways on the server, and this enum
 * is the single place that says how: our {@code Task.businessStatus} code (the fine-grained step),
 * the R4 {@code Task.status} an EHR that knows only base FHIR understands, and the R4
 * {@code ServiceRequest.status} of the request itself. Keeping the three together means the Task and
 * the request can never be written with statuses that disagree.
 *
 * <p>The Task.status mapping follows the harmonised BSeR/360X referral states (received, accepted,
 * in-progress, on-hold, completed, rejected, cancelled): a request that is waiting for records or in
 * triage has been received but not yet accepted by an expert.
 */
public enum CaseState {

	SUBMITTED("submitted", "requested", "active", "submitted"),
	AWAITING_RECORDS("awaiting-records", "received", "active", "awaiting records"),
	TRIAGE("triage", "received", "active", "in triage"),
	ASSIGNED("assigned", "accepted", "active", "assigned to an expert"),
	IN_REVIEW("in-review", "in-progress", "active", "in review"),
	AWAITING_INFORMATION("awaiting-information", "on-hold", "active", "awaiting information from the referrer"),
	COMPLETED("completed", "completed", "completed", "completed"),
	REJECTED("rejected", "rejected", "revoked", "rejected"),
	CANCELLED("cancelled", "cancelled", "revoked", "cancelled");

	/** The CodeSystem of {@link #businessStatus()} (fhir-profiles/CodeSystem-so-business-status.json). */
	public static final String BUSINESS_STATUS_SYSTEM = "https://second-opinion.example.org/fhir/CodeSystem/so-business-status";

	private final String businessStatus;
	private final String taskStatus;
	private final String requestStatus;
	private final String description;

	CaseState(String businessStatus, String taskStatus, String requestStatus, String description) {
		this.businessStatus = businessStatus;
		this.taskStatus = taskStatus;
		this.requestStatus = requestStatus;
		this.description = description;
	}

	/** Our code for {@code Task.businessStatus}, in {@link #BUSINESS_STATUS_SYSTEM}. */
	public String businessStatus() {
		return businessStatus;
	}

	/** The R4 {@code Task.status} code (TaskStatus) that goes with this state. */
	public String taskStatus() {
		return taskStatus;
	}

	/**
	 * The R4 {@code ServiceRequest.status} code (RequestStatus): the request stays active while the
	 * case is open; a rejected or cancelled case revokes it, since in R4 "revoked" is the one status
	 * for an order that will not be fulfilled.
	 */
	public String requestStatus() {
		return requestStatus;
	}

	/** How the state reads in a sentence: "The case is {description}". */
	public String description() {
		return description;
	}

	/** Completed, rejected and cancelled cases are closed: nothing moves them on but an amended opinion. */
	public boolean isTerminal() {
		return this == COMPLETED || this == REJECTED || this == CANCELLED;
	}

	public boolean isOpen() {
		return !isTerminal();
	}

	/** The R4 Task.status codes of open cases, each once: what a search for open case Tasks asks for. */
	public static List<String> openTaskStatuses() {
		return Arrays.stream(values()).filter(CaseState::isOpen).map(CaseState::taskStatus).distinct().toList();
	}

	/**
	 * The state a stored Task's businessStatus code stands for. Empty for a code we do not know (or
	 * null), so the adapter can answer with a FHIR error naming the element rather than a stack trace.
	 */
	public static Optional<CaseState> fromBusinessStatus(String code) {
		return Arrays.stream(values()).filter(state -> state.businessStatus.equals(code)).findFirst();
	}
}

package org.example.secondopinion.cases;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.lifecycle.ForbiddenTransitionException;
import org.example.secondopinion.lifecycle.RuleViolation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/** Turns a broken workflow rule into the FHIR answer: 409 or 422 with an OperationOutcome. */
final class CaseRejections {

	private CaseRejections() {}

	/** A change the case's current state does not allow: 409, naming the current and the requested state. */
	static BaseServerResponseException forbidden(ForbiddenTransitionException e, String expression) {
		OperationOutcome outcome = outcome("case-state", e.getMessage()
				+ " (current state: " + e.current().businessStatus() + "; requested: " + e.event().description() + ")",
				expression);
		return new ResourceVersionConflictException(e.getMessage(), outcome);
	}

	/** A closed case's request set back to another status: 409. */
	static BaseServerResponseException reopen(CaseState current, String requestedStatus) {
		String message = "The case is " + current.businessStatus() + "; a closed case cannot be reopened";
		OperationOutcome outcome = outcome("case-state", message
				+ " (current state: " + current.businessStatus() + "; requested: ServiceRequest.status " + requestedStatus + ")",
				"ServiceRequest.status");
		return new ResourceVersionConflictException(message, outcome);
	}

	/**
	 * A second-opinion request changed into something else (its category or code): 422. What a report based
	 * on it is, an opinion or a record, and who may write it, rest on it staying what it was submitted as.
	 */
	static BaseServerResponseException stopsBeingACase(String request) {
		String message = request + " was submitted as a second-opinion request and stays one: its category and code cannot"
				+ " be changed away from that. To withdraw the case, set its status to revoked";
		return new UnprocessableEntityException(message, outcome("case-kind-kept", message, "ServiceRequest.category"));
	}

	/** A second Task for a case: 409, naming the Task the case already has. */
	static BaseServerResponseException secondTask(String request, String existingTask) {
		String message = request + " already has its Task " + existingTask + "; a case has one Task: read or update that one";
		return new ResourceVersionConflictException(message, outcome("one-task-per-case", message, "Task.focus"));
	}

	/** {@code $assign} to an expert who cannot take cases now: 422 naming why, and how to assign anyway. */
	static BaseServerResponseException unavailableExpert(String expert, String problem) {
		String message = "Not assigned to " + expert + ", who is " + problem + ". Choose an expert from $match-experts, "
				+ "or repeat with the parameter force=true to assign anyway";
		return new UnprocessableEntityException(message, outcome("expert-available", message, "Parameters.parameter('expert')"));
	}

	/** The referrer wrote while the case awaits an answer, without naming an open question in inResponseTo: 422. */
	static BaseServerResponseException answerWithoutQuestion(List<String> openQuestions) {
		String question = openQuestions.isEmpty() ? "the expert's question" : String.join(" or ", openQuestions);
		String message = "The case awaits the referrer's answer to " + question + ": set Communication.inResponseTo to "
				+ "{\"reference\": \"" + (openQuestions.isEmpty() ? "Communication/[id]" : openQuestions.get(openQuestions.size() - 1))
				+ "\"} so the answer reaches the expert and the review resumes";
		return new UnprocessableEntityException(message, outcome("answer-in-response-to", message, "Communication.inResponseTo"));
	}

	/** A client set a case's Task status itself: 409; the server moves the case. */
	static BaseServerResponseException stateSetByServer(CaseState current, String requestedTaskStatus) {
		String message = "The case is " + current.businessStatus() + "; its Task's status is set by the server: post the "
				+ "final opinion to complete it, use $assign or $reject, or revoke the ServiceRequest to cancel it";
		OperationOutcome outcome = outcome("case-state", message
				+ " (current state: " + current.businessStatus() + "; requested: Task.status " + requestedTaskStatus + ")",
				"Task.status");
		return new ResourceVersionConflictException(message, outcome);
	}

	/** Opinion rules broken: 409 when the case's state forbids it, else 422; one issue per rule. */
	static BaseServerResponseException violations(
			FhirContext fhirContext, List<RuleViolation> violations, String expression, CaseState current, String requested) {
		OperationOutcome outcome = new OperationOutcome();
		String states = " (current state: " + current.businessStatus() + "; requested: " + requested + ")";
		violations.forEach(v -> addIssue(outcome, v.rule(), v.message() + states, expression));
		boolean conflict = violations.stream().anyMatch(v -> v.httpStatus() == 409);
		String summary = violations.get(0).message();
		return conflict
				? new ResourceVersionConflictException(summary, outcome)
				: new UnprocessableEntityException(fhirContext, outcome);
	}

	private static OperationOutcome outcome(String rule, String message, String expression) {
		OperationOutcome outcome = new OperationOutcome();
		addIssue(outcome, rule, message, expression);
		return outcome;
	}

	private static void addIssue(OperationOutcome outcome, String rule, String message, String expression) {
		outcome.addIssue()
				.setSeverity(IssueSeverity.ERROR)
				.setCode(IssueType.BUSINESSRULE)
				.setDiagnostics(rule + ": " + message)
				.setExpression(List.of(new StringType(expression)));
	}
}

package org.example.secondopinion.cases;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.example.secondopinion.lifecycle.TurnaroundPolicy;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * How the state of a case is written on its Task: Task.status and Task.businessStatus for the state,
 * Task.input for the records still missing, Task.restriction.period for when the request arrived and
 * when it is due,
 * Task.owner for the assigned expert and Task.output for the final opinion.
 */
final class CaseTask {

	static final String MISSING_RECORD = "missing-record";

	private CaseTask() {}

	/** A new Task for a request the EHR sent without one. */
	static Task newFor(ServiceRequest request) {
		Task task = new Task();
		task.getMeta().addProfile(SecondOpinionIg.TASK);
		task.setIntent(Task.TaskIntent.ORDER);
		task.setStatus(Task.TaskStatus.REQUESTED);
		task.getCode().addCoding(new Coding("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request"));
		Reference focus = new Reference(request.getIdElement().toUnqualifiedVersionless().getValue());
		task.setFocus(focus);
		task.addBasedOn(focus.copy());
		task.setFor(request.getSubject().copy());
		if (request.hasRequester()) {
			task.setRequester(request.getRequester().copy());
		}
		task.setAuthoredOn(request.hasAuthoredOn() ? request.getAuthoredOn() : new Date());
		task.setPriority(taskPriority(request.hasPriority() ? request.getPriority().toCode() : null));
		return task;
	}

	/** The state the Task records; a Task without our business status is a case just submitted. */
	static CaseState stateOf(Task task) {
		return task.getBusinessStatus().getCoding().stream()
				.filter(coding -> CaseState.BUSINESS_STATUS_SYSTEM.equals(coding.getSystem()))
				.map(coding -> CaseState.fromBusinessStatus(coding.getCode()))
				.flatMap(java.util.Optional::stream)
				.findFirst()
				.orElse(CaseState.SUBMITTED);
	}

	/** Whether the Task is assigned to an expert (rather than to nobody or to the centre's Organization). */
	static boolean hasExpert(Task task) {
		return "PractitionerRole".equals(task.getOwner().getReferenceElement().getResourceType());
	}

	static void setState(Task task, CaseState state) {
		task.setStatus(Task.TaskStatus.fromCode(state.taskStatus()));
		task.setBusinessStatus(new CodeableConcept(
				new Coding(CaseState.BUSINESS_STATUS_SYSTEM, state.businessStatus(), null)).setText(state.description()));
		task.setLastModified(new Date());
	}

	/** Replaces the missing-record inputs: one per record type still missing, with the LOINC codes that would do. */
	static void setMissing(Task task, List<RequiredRecord> missing) {
		task.getInput().removeIf(CaseTask::isMissingRecord);
		for (RequiredRecord record : missing) {
			CodeableConcept wanted = new CodeableConcept().setText(record.name());
			record.acceptedLoincCodes().stream().sorted()
					.forEach(code -> wanted.addCoding(new Coding("http://loinc.org", code, null)));
			task.addInput()
					.setType(new CodeableConcept(new Coding(SecondOpinionIg.CODES, MISSING_RECORD, "Missing record")))
					.setValue(wanted);
		}
	}

	static List<String> missing(Task task) {
		return task.getInput().stream()
				.filter(CaseTask::isMissingRecord)
				.map(input -> ((CodeableConcept) input.getValue()).getText())
				.toList();
	}

	/**
	 * The due date of a new case ({@code restriction.period}): from when the server received the request
	 * (start) to that plus the turnaround of its priority (end). A due date the EHR's own Task gives stays.
	 */
	static void setDueIfAbsent(Task task, Instant received, TurnaroundPolicy turnaround, String priority) {
		if (!task.getRestriction().getPeriod().hasEnd()) {
			Instant start = received.truncatedTo(ChronoUnit.SECONDS); // FHIR dateTimes are stored to the second
			task.getRestriction().setPeriod(new Period()
					.setStart(Date.from(start))
					.setEnd(Date.from(turnaround.dueFrom(start, priority))));
		}
	}

	/**
	 * The request's priority changed: the Task takes it, and a due date the server computed follows it from
	 * the same start. One the EHR chose (any other length) stays.
	 */
	static void changePriority(Task task, String previousPriority, String priority, TurnaroundPolicy turnaround) {
		task.setPriority(taskPriority(priority));
		Period due = task.getRestriction().getPeriod();
		if (due.hasStart() && due.hasEnd()
				&& Duration.between(due.getStart().toInstant(), due.getEnd().toInstant()).equals(turnaround.turnaround(previousPriority))) {
			due.setEnd(Date.from(turnaround.dueFrom(due.getStart().toInstant(), priority)));
		}
		task.setLastModified(new Date());
	}

	static Task.TaskPriority taskPriority(String requestPriority) {
		return requestPriority == null ? Task.TaskPriority.ROUTINE : Task.TaskPriority.fromCode(requestPriority);
	}

	private static boolean isMissingRecord(Task.ParameterComponent input) {
		return input.getType().getCoding().stream()
				.anyMatch(c -> SecondOpinionIg.CODES.equals(c.getSystem()) && MISSING_RECORD.equals(c.getCode()));
	}
}

package org.example.secondopinion.cases;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.example.secondopinion.lifecycle.CaseEvent;
import org.example.secondopinion.lifecycle.CaseLifecycle;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.lifecycle.CompletenessRule;
import org.example.secondopinion.lifecycle.CompletenessRule.PresentRecord;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.example.secondopinion.lifecycle.ForbiddenTransitionException;
import org.example.secondopinion.lifecycle.TurnaroundPolicy;
import org.example.secondopinion.matching.RankedExpert;
import org.example.secondopinion.matching.ExpertMatcher;
import org.example.secondopinion.matching.Ranking;
import org.example.secondopinion.matching.SkippedExpert;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.example.secondopinion.validation.CaseResourceRecognizer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The second-opinion workflow on FHIR resources: moves a case through its states
 * ({@link CaseLifecycle}) as requests and records arrive and as the centre assigns or declines it,
 * and keeps ServiceRequest.status, Task.status and Task.businessStatus together. Opinions and the
 * discussion have their own classes ({@link OpinionWorkflow}, {@link DiscussionWorkflow}). The rules
 * themselves are plain Java in {@code lifecycle/}; these classes read and write the resources.
 */
@Service
public class CaseWorkflow {

	private static final Logger log = LoggerFactory.getLogger(CaseWorkflow.class);

	private final CaseStore store;
	private final ExpertAssignment assignment;
	private final WorkflowProperties properties;
	private final CaseLifecycle lifecycle = new CaseLifecycle();
	private final CompletenessRule completeness;
	private final TurnaroundPolicy turnaround;

	public CaseWorkflow(CaseStore store, ExpertAssignment assignment, WorkflowProperties properties) {
		this.store = store;
		this.assignment = assignment;
		this.properties = properties;
		this.turnaround = new TurnaroundPolicy(properties.turnaround());
		this.completeness = properties.completenessRule();
	}

	/** The kind of request (our so-codes category, e.g. bone-soft-tissue-tumour) that selects its completeness rule. */
	static String kindOf(ServiceRequest request) {
		return request.getCategory().stream()
				.flatMap(category -> category.getCoding().stream())
				.filter(coding -> SecondOpinionIg.CODES.equals(coding.getSystem()))
				.map(Coding::getCode)
				.filter(code -> !"second-opinion".equals(code))
				.findFirst()
				.orElse(null);
	}

	/** A request has been submitted: its Task gets the state, the missing records and the due date. */
	public void requestSubmitted(ServiceRequest request) {
		Optional<Task> existing = store.findTask(request.getIdElement());
		Task task = existing.orElseGet(() -> CaseTask.newFor(request));
		// the EHR's own Task becomes the case's: its state, reason, opinion and priority are the server's from now on
		task.setStatusReason(null).setPriority(CaseTask.taskPriority(priorityOf(request))).getOutput().clear();
		List<RequiredRecord> missing = missingRecords(request);
		CaseState state = lifecycle.next(CaseState.SUBMITTED,
				missing.isEmpty() ? CaseEvent.SUBMITTED_COMPLETE : CaseEvent.SUBMITTED_INCOMPLETE);
		CaseTask.setMissing(task, missing);
		CaseTask.setDueIfAbsent(task, Instant.now(), turnaround, priorityOf(request));
		CaseTask.setState(task, state);
		if (state == CaseState.TRIAGE) {
			autoAssign(request, task);
		}
		if (existing.isPresent()) {
			store.update(task);
		} else {
			store.create(task);
		}
		log.info("Case {} submitted: {}", request.getIdElement().toUnqualifiedVersionless().getValue(), CaseTask.stateOf(task).businessStatus());
	}

	/**
	 * A client created a Task for a request: one case has one Task. The EHR's own Task sent with the
	 * request becomes the case's Task; a second one, e.g. posted after the server created the Task,
	 * is refused with 409 naming the Task to use.
	 */
	public void taskCreated(Task task, IIdType requestId) {
		String self = task.getIdElement().toUnqualifiedVersionless().getValue();
		store.tasksFor(requestId).stream()
				.map(other -> other.getIdElement().toUnqualifiedVersionless().getValue())
				.filter(other -> !other.equals(self))
				.findFirst()
				.ifPresent(existing -> {
					throw CaseRejections.secondTask(requestId.getValue(), existing);
				});
	}

	/**
	 * A record of the case arrived, changed or was deleted: recompute what is missing. The last missing record
	 * moves the case on (to its expert again if it had one); a required record withdrawn (deleted, or marked
	 * entered-in-error or superseded) sends an open case back to awaiting-records.
	 *
	 * @param changed the record as it is now, or as it was when {@code deleted}: a search inside this
	 *                transaction may still return its earlier version
	 */
	public void recordsChanged(IIdType requestId, IBaseResource changed, boolean deleted) {
		Optional<Task> found = store.findTask(requestId);
		CaseState state = found.map(CaseTask::stateOf).orElse(CaseState.SUBMITTED);
		if (state == CaseState.SUBMITTED || state.isTerminal()) {
			return; // no case yet (the submission computes what is missing), or closed with the records it had
		}
		Task task = found.get();
		ServiceRequest request = store.readRequest(requestId);
		List<RequiredRecord> missing = missingRecords(request, changed, deleted);
		CaseTask.setMissing(task, missing);
		if (state == CaseState.AWAITING_RECORDS && missing.isEmpty()) {
			CaseState triage = lifecycle.next(state, CaseEvent.RECORDS_COMPLETE);
			CaseTask.setState(task, triage);
			if (CaseTask.hasExpert(task)) {
				CaseTask.setState(task, lifecycle.next(triage, CaseEvent.EXPERT_ASSIGNED));
				task.setStatusReason(new CodeableConcept().setText("The records are complete again; the case stays with its expert"));
			} else {
				autoAssign(request, task);
			}
		} else if (!missing.isEmpty() && lifecycle.allows(state, CaseEvent.RECORDS_MISSING)) {
			CaseTask.setState(task, lifecycle.next(state, CaseEvent.RECORDS_MISSING));
			String record = changed == null ? "a record the request listed" : changed.getIdElement().toUnqualifiedVersionless().getValue();
			task.setStatusReason(new CodeableConcept().setText("A required record no longer counts (" + record
					+ " was deleted, moved, superseded, entered in error, retyped or unlisted): the case waits for "
					+ missing.stream().map(RequiredRecord::name).collect(Collectors.joining(", "))));
		} else if (state == CaseState.AWAITING_INFORMATION) {
			CaseTask.setState(task, lifecycle.next(state, CaseEvent.QUESTION_ANSWERED));
		}
		store.update(task);
	}

	/**
	 * The coordinator assigns an expert (or reassigns); the previous owner stays in the Task's history and
	 * statusReason says who chose the expert and why. An expert who cannot take cases now (inactive, on leave)
	 * or who is not in the directory is refused unless {@code force}; one outside the specialties the case
	 * asks for is the coordinator's call, noted in statusReason.
	 */
	public Task assign(IIdType requestId, String practitionerRoleReference, String reason, boolean force) {
		Task task = taskOf(requestId);
		CaseState next = transition(CaseTask.stateOf(task), CaseEvent.EXPERT_ASSIGNED, "Task.owner");
		Ranking ranking = assignment.rank(store.readRequest(requestId), task);
		Optional<String> skipped = skipReason(ranking, practitionerRoleReference);
		boolean unavailable = skipped.isPresent() && !ExpertMatcher.NO_WANTED_SPECIALTY.equals(skipped.get());
		if (unavailable && !force) {
			throw CaseRejections.unavailableExpert(practitionerRoleReference, skipped.get());
		}
		String why = "Assigned by the coordinator" + (reason == null || reason.isBlank() ? "" : ": " + reason.trim())
				+ skipped.map(problem -> " (although " + problem + ")").orElse("");
		task.setOwner(new Reference(practitionerRoleReference));
		task.setStatusReason(new CodeableConcept().setText(why));
		CaseTask.setState(task, next);
		store.update(task);
		return task;
	}

	/** Why matching would not propose the expert, empty when it would. */
	private static Optional<String> skipReason(Ranking ranking, String practitionerRoleReference) {
		if (ranking.ranked().stream().anyMatch(ranked -> ranked.expert().practitionerRoleRef().equals(practitionerRoleReference))) {
			return Optional.empty();
		}
		return Optional.of(ranking.skipped().stream()
				.filter(skipped -> skipped.expert().practitionerRoleRef().equals(practitionerRoleReference))
				.map(SkippedExpert::reason)
				.findFirst()
				.orElse("not an expert of the directory"));
	}

	/** The centre declines the case, with a reason: Task rejected, ServiceRequest revoked. */
	public Task reject(IIdType requestId, String reason) {
		Task task = taskOf(requestId);
		CaseState next = transition(CaseTask.stateOf(task), CaseEvent.REJECTED_BY_CENTRE, "Task.status");
		CaseTask.setState(task, next);
		task.setStatusReason(new CodeableConcept().setText(reason));
		store.update(task);
		ServiceRequest request = store.readRequest(requestId);
		request.setStatus(ServiceRequest.ServiceRequestStatus.fromCode(next.requestStatus()));
		store.update(request);
		return task;
	}

	public List<String> missing(IIdType requestId) {
		return missingRecords(store.readRequest(requestId)).stream().map(RequiredRecord::name).toList();
	}

	public Optional<CaseState> stateOf(IIdType requestId) {
		return store.findTask(requestId).map(CaseTask::stateOf);
	}

	public Ranking rankExperts(IIdType requestId) {
		return assignment.rank(store.readRequest(requestId), taskOf(requestId));
	}

	/** The EHR changed its request: a completed or cancelled case cannot be reopened. */
	public void checkRequestChange(ServiceRequest previous, ServiceRequest changed) {
		boolean wasClosed = previous.getStatus() == ServiceRequest.ServiceRequestStatus.REVOKED
				|| previous.getStatus() == ServiceRequest.ServiceRequestStatus.COMPLETED;
		if (wasClosed && changed.getStatus() != previous.getStatus()) {
			CaseState state = store.findTask(previous.getIdElement()).map(CaseTask::stateOf).orElse(CaseState.CANCELLED);
			throw CaseRejections.reopen(state, changed.getStatus() == null ? "none" : changed.getStatus().toCode());
		}
	}

	/**
	 * A client changed a case's Task: the state is the server's to move (by records, opinions,
	 * questions, {@code $assign}, {@code $reject} or revoking the request), so a change of status or
	 * business status is refused, e.g. completing a case that has no final opinion.
	 */
	public void checkTaskChange(Task previous, Task changed) {
		CaseState current = CaseTask.stateOf(previous);
		boolean statusChanged = previous.getStatus() != changed.getStatus();
		boolean businessStatusChanged = CaseTask.stateOf(changed) != current
				|| !changed.getBusinessStatus().hasCoding();
		if (statusChanged || businessStatusChanged) {
			throw CaseRejections.stateSetByServer(current, changed.getStatus() == null ? "none" : changed.getStatus().toCode());
		}
	}

	/** An update of a case's Task keeps what the server owns: see {@link ServerOwnedTaskFields}. */
	public void keepServerOwned(Task stored, Task sent) {
		ServerOwnedTaskFields.keepStored(stored, sent, () -> store.versionsOf(stored.getIdElement()));
	}

	/**
	 * The EHR changed its open case's request: revoking it cancels the case; a new priority is the Task's
	 * too, and moves a due date the server computed; records listed or unlisted in supportingInfo count again.
	 */
	public void requestChanged(ServiceRequest previous, ServiceRequest changed) {
		Optional<Task> found = store.findTask(changed.getIdElement());
		if (found.isEmpty() || !CaseTask.stateOf(found.get()).isOpen()) {
			return;
		}
		Task task = found.get();
		if (changed.getStatus() == ServiceRequest.ServiceRequestStatus.REVOKED) {
			CaseTask.setState(task, lifecycle.next(CaseTask.stateOf(task), CaseEvent.CANCELLED_BY_REFERRER));
			store.update(task);
			return;
		}
		if (CaseTask.taskPriority(priorityOf(changed)) != task.getPriority()) {
			CaseTask.changePriority(task, priorityOf(previous), priorityOf(changed), turnaround);
			store.update(task);
			log.info("Case {} is now {}", changed.getIdElement().toUnqualifiedVersionless().getValue(), task.getPriority().toCode());
		}
		if (!references(previous.getSupportingInfo()).equals(references(changed.getSupportingInfo()))) {
			recordsChanged(changed.getIdElement(), null, false);
		}
	}

	private static List<String> references(List<Reference> references) {
		return references.stream().map(Reference::getReference).toList();
	}

	private void autoAssign(ServiceRequest request, Task task) {
		if (!properties.autoAssign()) {
			return;
		}
		List<RankedExpert> ranked = assignment.rank(request, task).ranked();
		if (ranked.isEmpty()) {
			return;
		}
		RankedExpert best = ranked.get(0);
		task.setOwner(new Reference(best.expert().practitionerRoleRef()).setDisplay(best.expert().name()));
		task.setStatusReason(new CodeableConcept().setText("Assigned automatically: " + best.reason()));
		CaseTask.setState(task, lifecycle.next(CaseTask.stateOf(task), CaseEvent.EXPERT_ASSIGNED));
	}

	private CaseState transition(CaseState state, CaseEvent event, String expression) {
		try {
			return lifecycle.next(state, event);
		} catch (ForbiddenTransitionException e) {
			throw CaseRejections.forbidden(e, expression);
		}
	}

	private List<RequiredRecord> missingRecords(ServiceRequest request) {
		return missingRecords(request, null, false);
	}

	/** What the request's kind requires and its current records do not give; superseded or erroneous ones do not count. */
	private List<RequiredRecord> missingRecords(ServiceRequest request, IBaseResource changed, boolean deleted) {
		List<IBaseResource> records = new ArrayList<>(store.records(request));
		if (changed != null) {
			String changedId = changed.getIdElement().toUnqualifiedVersionless().getValue();
			records.removeIf(record -> record.getIdElement().toUnqualifiedVersionless().getValue().equals(changedId));
			if (!deleted) {
				records.add(changed);
			}
		}
		List<PresentRecord> present = records.stream()
				.flatMap(record -> presentRecords(record).stream())
				.toList();
		return completeness.missing(kindOf(request), present);
	}

	/**
	 * What a record gives the completeness rule: a current document its LOINC types and content types; a
	 * hospital's pathology or radiology report, or an imaging study, its structured kind. Withdrawn ones
	 * (entered in error, superseded, cancelled) and opinions give nothing.
	 */
	private List<PresentRecord> presentRecords(IBaseResource record) {
		if (record instanceof DocumentReference document) {
			return document.getStatus() == null || document.getStatus() == Enumerations.DocumentReferenceStatus.CURRENT
					? documentRecords(document) : List.of();
		}
		if (record instanceof DiagnosticReport report) {
			boolean withdrawn = report.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR
					|| report.getStatus() == DiagnosticReport.DiagnosticReportStatus.CANCELLED;
			if (withdrawn || CaseResourceRecognizer.isOpinion(report, store::read)) {
				return List.of();
			}
			return CompletenessRule.reportKind(codings(List.of(report.getCode())), codings(report.getCategory()))
					.map(kind -> List.of(PresentRecord.structured(kind))).orElse(List.of());
		}
		if (record instanceof ImagingStudy study) {
			boolean withdrawn = study.getStatus() == ImagingStudy.ImagingStudyStatus.ENTEREDINERROR
					|| study.getStatus() == ImagingStudy.ImagingStudyStatus.CANCELLED;
			return withdrawn ? List.of() : List.of(PresentRecord.structured(CompletenessRule.Structured.IMAGING_STUDY));
		}
		return List.of();
	}

	private static List<String> codings(List<CodeableConcept> concepts) {
		return concepts.stream().flatMap(concept -> concept.getCoding().stream())
				.map(coding -> coding.getSystem() + "|" + coding.getCode()).toList();
	}

	private static List<PresentRecord> documentRecords(DocumentReference record) {
		Set<String> contentTypes = record.getContent().stream()
				.map(DocumentReference.DocumentReferenceContentComponent::getAttachment)
				.map(Attachment::getContentType)
				.filter(type -> type != null)
				.collect(Collectors.toSet());
		return record.getType().getCoding().stream()
				.filter(coding -> "http://loinc.org".equals(coding.getSystem()))
				.map(coding -> new PresentRecord(coding.getCode(), contentTypes))
				.toList();
	}

	private Task taskOf(IIdType requestId) {
		return store.findTask(requestId).orElseThrow(() -> new UnprocessableEntityException(
				"No case Task for " + requestId.toUnqualifiedVersionless().getValue()));
	}

	private static String priorityOf(ServiceRequest request) {
		return request.hasPriority() ? request.getPriority().toCode() : null;
	}
}

package org.example.secondopinion.cases;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.example.secondopinion.validation.CaseProfileValidator;
import org.example.secondopinion.validation.CaseResourceRecognizer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * Runs the workflow when the resources of a case are written through the API. It acts just before
 * the database transaction commits: by then a transaction Bundle's entries are all stored and their
 * references resolved, and anything it refuses rolls the whole request back.
 */
@Interceptor(order = InterceptorOrder.CASE_WORKFLOW)
public class CaseWorkflowInterceptor {

	/** Marks a request the workflow refused: a rule's 409 is an answer, not a race worth retrying. */
	public static final String REFUSED_BY_WORKFLOW = CaseWorkflowInterceptor.class.getName() + ".refused";

	private final CaseWorkflow workflow;
	private final OpinionWorkflow opinions;
	private final DiscussionWorkflow discussion;
	private final CaseStore store;

	public CaseWorkflowInterceptor(CaseWorkflow workflow, OpinionWorkflow opinions, DiscussionWorkflow discussion, CaseStore store) {
		this.workflow = workflow;
		this.opinions = opinions;
		this.discussion = discussion;
		this.store = store;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		if (CaseStore.isWorkflowWrite(request)) {
			return;
		}
		try {
			onCreated(resource);
		} catch (BaseServerResponseException refusal) {
			markRefused(request);
			throw refusal;
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (CaseStore.isWorkflowWrite(request)) {
			return;
		}
		try {
			onUpdated(previous, resource);
		} catch (BaseServerResponseException refusal) {
			markRefused(request);
			throw refusal;
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request) {
		if (CaseStore.isWorkflowWrite(request)) {
			return;
		}
		try {
			if (resource instanceof DocumentReference record) {
				CaseReferences.requestIn(record.getContext().getRelated()).ifPresent(requestId -> workflow.recordsChanged(requestId, record, true));
			}
			structuredRecordChanged(resource, true);
		} catch (BaseServerResponseException refusal) {
			markRefused(request);
			throw refusal;
		}
	}

	/** Before validation and the access checks: a case's Task keeps what the server owns, whatever the update sends. */
	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = InterceptorOrder.SERVER_OWNED_TASK_FIELDS)
	public void keepServerOwnedTaskFields(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		if (!CaseStore.isWorkflowWrite(request) && previous instanceof Task stored && resource instanceof Task sent && isCaseTask(stored)) {
			workflow.keepServerOwned(stored, sent);
		}
	}

	private static void markRefused(RequestDetails request) {
		if (request != null) {
			request.getUserData().put(REFUSED_BY_WORKFLOW, Boolean.TRUE);
		}
	}

	private void onCreated(IBaseResource resource) {
		if (resource instanceof ServiceRequest serviceRequest && isSecondOpinionRequest(serviceRequest)) {
			workflow.requestSubmitted(serviceRequest);
		} else if (resource instanceof DocumentReference record) {
			CaseReferences.requestIn(record.getContext().getRelated()).ifPresent(request -> workflow.recordsChanged(request, record, false));
		} else if (resource instanceof Task task) {
			CaseReferences.requestIn(List.of(task.getFocus())).ifPresent(request -> workflow.taskCreated(task, request));
		} else if (resource instanceof DiagnosticReport opinion) {
			CaseReferences.requestIn(opinion.getBasedOn()).ifPresent(request -> opinions.opinionWritten(opinion, null, request));
		} else if (resource instanceof Communication message) {
			CaseReferences.requestIn(message.getBasedOn()).ifPresent(request -> discussion.messageStored(message, request));
		}
	}

	private void onUpdated(IBaseResource previous, IBaseResource resource) {
		if (resource instanceof ServiceRequest changed && previous instanceof ServiceRequest before
				&& isSecondOpinionRequest(before) && !isSecondOpinionRequest(changed)) {
			throw CaseRejections.stopsBeingACase("ServiceRequest/" + before.getIdElement().getIdPart());
		}
		if (resource instanceof ServiceRequest serviceRequest && isSecondOpinionRequest(serviceRequest)) {
			workflow.checkRequestChange((ServiceRequest) previous, serviceRequest);
			workflow.requestChanged((ServiceRequest) previous, serviceRequest);
		} else if (resource instanceof DocumentReference record) {
			Optional<IIdType> now = CaseReferences.requestIn(record.getContext().getRelated());
			now.ifPresent(request -> workflow.recordsChanged(request, record, false));
			// a record moved to another request leaves its first case
			CaseReferences.requestIn(((DocumentReference) previous).getContext().getRelated())
					.filter(before -> now.map(after -> !after.getValue().equals(before.getValue())).orElse(true))
					.ifPresent(before -> workflow.recordsChanged(before, record, true));
		} else if (resource instanceof Task task && previous instanceof Task before && isCaseTask(before)) {
			workflow.checkTaskChange(before, task);
		} else if (resource instanceof DiagnosticReport opinion) {
			CaseReferences.requestIn(opinion.getBasedOn())
					.ifPresent(request -> opinions.opinionWritten(opinion, (DiagnosticReport) previous, request));
		}
		structuredRecordChanged(resource, false);
	}

	/**
	 * A hospital's report or imaging study listed in a request's supportingInfo changed (entered in error,
	 * cancelled, recoded) or was deleted: the cases listing it count their records again, as for a document.
	 */
	private void structuredRecordChanged(IBaseResource resource, boolean deleted) {
		Reference patient = resource instanceof DiagnosticReport report ? report.getSubject()
				: resource instanceof ImagingStudy study ? study.getSubject() : null;
		if (patient == null) {
			return;
		}
		IIdType id = resource.getIdElement().toUnqualifiedVersionless();
		store.requestsListing(id, patient).forEach(request -> workflow.recordsChanged(request, resource, deleted));
	}

	/** A Task the workflow keeps: one carrying our business status. */
	public static boolean isCaseTask(Task task) {
		return task.getBusinessStatus().getCoding().stream()
				.anyMatch(coding -> CaseState.BUSINESS_STATUS_SYSTEM.equals(coding.getSystem()));
	}

	private static boolean isSecondOpinionRequest(ServiceRequest request) {
		return CaseResourceRecognizer.isSecondOpinionRequest(request)
				|| CaseProfileValidator.declaresProfile(request, SecondOpinionIg.REQUEST);
	}
}

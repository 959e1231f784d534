package org.example.secondopinion.cases;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.HistorySearchDateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Reads and writes the resources of a case through HAPI's DAOs, as the server itself. Writes made
 * here are marked as the workflow's own, so the workflow's interceptors do not judge them again.
 * Called from inside a request's database transaction, it joins that transaction.
 */
@Component
public class CaseStore {

	/** Marks the workflow's own writes in {@link RequestDetails#getUserData()}. */
	public static final String WORKFLOW_WRITE = CaseStore.class.getName() + ".workflowWrite";

	private final DaoRegistry daoRegistry;

	public CaseStore(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	public static boolean isWorkflowWrite(RequestDetails request) {
		return request != null && request.getUserData().containsKey(WORKFLOW_WRITE);
	}

	public ServiceRequest readRequest(IIdType id) {
		return dao(ServiceRequest.class).read(id.toUnqualifiedVersionless(), internal());
	}

	/**
	 * The case's Task, read by id after the search: a search may return an older version than a write
	 * earlier in the same transaction made, and the workflow must build on the current one.
	 */
	public Optional<Task> findTask(IIdType requestId) {
		return tasksFor(requestId).stream()
				.findFirst()
				.map(found -> dao(Task.class).read(found.getIdElement().toUnqualifiedVersionless(), internal()));
	}

	/**
	 * The stored versions of a Task, newest first, up to {@link #VERSIONS_READ}. Read by range rather than
	 * {@code getAllResources()}, which trusts HAPI's history count, cached for a minute across writes.
	 */
	public List<Task> versionsOf(IIdType taskId) {
		List<Task> versions = new ArrayList<>();
		dao(Task.class).history(taskId.toUnqualifiedVersionless(), new HistorySearchDateRangeParam(), internal())
				.getResources(0, VERSIONS_READ).forEach(version -> versions.add((Task) version));
		return versions;
	}

	/** A case's Task changes with each step of the case: a few dozen versions in a long case. */
	private static final int VERSIONS_READ = 500;

	/** Every Task whose focus is the request (a case has one; a second is refused on create). */
	public List<Task> tasksFor(IIdType requestId) {
		return referringTo(Task.class, Task.SP_FOCUS, requestId);
	}

	/**
	 * The records of a case: whatever the request lists in supportingInfo (documents, structured records such
	 * as a DiagnosticReport or an ImagingStudy, a patient summary Bundle) and the DocumentReferences that
	 * point to it.
	 */
	public List<IBaseResource> records(ServiceRequest request) {
		Map<String, IBaseResource> records = new LinkedHashMap<>();
		for (Reference reference : request.getSupportingInfo()) {
			// a record listed but since deleted is no longer one of the case's
			read(reference).ifPresent(record -> records.put(record.getIdElement().toUnqualifiedVersionless().getValue(), record));
		}
		for (DocumentReference record : referringTo(DocumentReference.class, DocumentReference.SP_RELATED, request.getIdElement())) {
			records.putIfAbsent(record.getIdElement().toUnqualifiedVersionless().getValue(), record);
		}
		return new ArrayList<>(records.values());
	}

	/**
	 * The requests of the patient whose supportingInfo lists the record. R4 has no search parameter on
	 * supportingInfo, so the patient's requests are read and their lists compared.
	 */
	public List<IIdType> requestsListing(IIdType record, Reference patient) {
		if (!patient.getReferenceElement().hasIdPart()) {
			return List.of();
		}
		String listed = record.toUnqualifiedVersionless().getValue();
		return referringTo(ServiceRequest.class, ServiceRequest.SP_SUBJECT, patient.getReferenceElement()).stream()
				.filter(request -> request.getSupportingInfo().stream()
						.anyMatch(reference -> listed.equals(new IdType(reference.getReference()).toUnqualifiedVersionless().getValue())))
				.<IIdType>map(request -> request.getIdElement().toUnqualifiedVersionless())
				.toList();
	}

	/**
	 * The patient's clinical record of the given types, the patient's history beside the case's records
	 * (each type searched by its {@code patient} parameter).
	 */
	public List<IBaseResource> clinicalRecordOf(IIdType patient, List<String> types) {
		List<IBaseResource> found = new ArrayList<>();
		for (String type : types) {
			var dao = daoRegistry.getResourceDao(type);
			if (dao.getContext().getResourceDefinition(type).getSearchParam("patient") == null) {
				continue;
			}
			found.addAll(dao.search(SearchParameterMap.newSynchronous("patient",
					new ReferenceParam(patient.toUnqualifiedVersionless().getValue())), internal()).getAllResources());
		}
		return found;
	}

	public List<DiagnosticReport> opinions(IIdType requestId) {
		return referringTo(DiagnosticReport.class, DiagnosticReport.SP_BASED_ON, requestId);
	}

	public List<Communication> communications(IIdType requestId) {
		return referringTo(Communication.class, Communication.SP_BASED_ON, requestId);
	}

	/** Reads any resource by its reference, empty when it is not a local resource or does not exist. */
	public Optional<IBaseResource> read(Reference reference) {
		IdType id = new IdType(reference.getReference());
		if (!id.hasResourceType() || !id.hasIdPart() || id.isAbsolute()) {
			return Optional.empty();
		}
		try {
			return Optional.of(daoRegistry.getResourceDao(id.getResourceType()).read(id.toUnqualifiedVersionless(), internal()));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}

	/** Active PractitionerRoles coded as second-opinion experts: the directory matching draws from. */
	public List<PractitionerRole> experts() {
		SearchParameterMap search = SearchParameterMap.newSynchronous(
				PractitionerRole.SP_ROLE, new TokenParam(SecondOpinionIg.CODES, "expert"));
		return search(PractitionerRole.class, search);
	}

	/** Number of open cases (Tasks not yet finished) owned by the expert. */
	public int openCasesOwnedBy(String practitionerRoleReference) {
		SearchParameterMap search = SearchParameterMap.newSynchronous(Task.SP_OWNER, new ReferenceParam(practitionerRoleReference));
		TokenOrListParam open = new TokenOrListParam();
		CaseState.openTaskStatuses().forEach(open::add);
		search.add(Task.SP_STATUS, open);
		// Counted in the database: the Tasks themselves are not needed to rank an expert.
		search.setSummaryMode(SummaryEnum.COUNT);
		Integer count = dao(Task.class).search(search, internal()).size();
		return count == null ? 0 : count;
	}

	public IIdType create(IBaseResource resource) {
		return daoFor(resource).create(resource, internal()).getId().toUnqualifiedVersionless();
	}

	public void update(IBaseResource resource) {
		daoFor(resource).update(resource, internal());
	}

	/** The resources of a type whose reference search parameter points to the given resource. */
	private <T extends IBaseResource> List<T> referringTo(Class<T> type, String referenceParameter, IIdType target) {
		return search(type, SearchParameterMap.newSynchronous(
				referenceParameter, new ReferenceParam(target.toUnqualifiedVersionless().getValue())));
	}

	private <T extends IBaseResource> List<T> search(Class<T> type, SearchParameterMap search) {
		List<T> results = new ArrayList<>();
		for (IBaseResource resource : dao(type).search(search, internal()).getAllResources()) {
			results.add(type.cast(resource));
		}
		return results;
	}

	private static SystemRequestDetails internal() {
		SystemRequestDetails request = new SystemRequestDetails();
		request.getUserData().put(WORKFLOW_WRITE, Boolean.TRUE);
		return request;
	}

	private <T extends IBaseResource> IFhirResourceDao<T> dao(Class<T> type) {
		return daoRegistry.getResourceDao(type);
	}

	@SuppressWarnings("unchecked")
	private IFhirResourceDao<IBaseResource> daoFor(IBaseResource resource) {
		return (IFhirResourceDao<IBaseResource>) daoRegistry.getResourceDao(resource.fhirType());
	}
}

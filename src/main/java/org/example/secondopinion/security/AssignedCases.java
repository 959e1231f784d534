package org.example.secondopinion.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.example.secondopinion.access.Assignment;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * The cases assigned to an expert: the Tasks owned by the PractitionerRole that the token's
 * {@code fhirUser} identifier names, the requests those Tasks fulfil and the patients of those requests.
 * An expert reaches these and the records filed under these patients, nothing else of any case.
 */
public final class AssignedCases {

	private final Set<String> tasks = new HashSet<>();
	private final Set<String> requests = new HashSet<>();
	private final Set<String> patients = new HashSet<>();
	private final Set<String> organisations = new HashSet<>();
	private final DaoRegistry daos;
	/** What the requests list in supportingInfo: a case's records whatever they name. */
	private final Set<String> listed = new HashSet<>();
	private Set<String> pointedTo;

	private AssignedCases(DaoRegistry daos) {
		this.daos = daos;
	}

	/** Looks the expert's cases up; a {@code fhirUser} that names no PractitionerRole has none. */
	static AssignedCases of(Caller expert, DaoRegistry daos) {
		AssignedCases cases = new AssignedCases(daos);
		Optional<TokenParam> identifier = expert.fhirUserIdentifier();
		if (identifier.isEmpty()) {
			return cases;
		}
		for (IBaseResource role : search(daos, PractitionerRole.class,
				SearchParameterMap.newSynchronous("identifier", identifier.get()))) {
			String owner = "PractitionerRole/" + role.getIdElement().getIdPart();
			for (IBaseResource found : search(daos, Task.class, SearchParameterMap.newSynchronous("owner", new ReferenceParam(owner)))) {
				Task task = (Task) found;
				cases.tasks.add(relative(task.getIdElement()));
				Stream.concat(Stream.of(task.getFocus()), task.getBasedOn().stream())
						.map(Reference::getReferenceElement)
						.filter(id -> "ServiceRequest".equals(id.getResourceType()) && id.hasIdPart())
						.forEach(id -> cases.requests.add(relative(id)));
			}
		}
		if (!cases.requests.isEmpty()) {
			TokenOrListParam ids = new TokenOrListParam();
			cases.requests.forEach(request -> ids.add(new TokenParam(new IdType(request).getIdPart())));
			for (IBaseResource found : search(daos, ServiceRequest.class, idsSearch(ids))) {
				IIdType subject = ((ServiceRequest) found).getSubject().getReferenceElement();
				if (subject.hasIdPart()) {
					cases.patients.add(relative(subject));
				}
				cases.organisations.addAll(OrganisationLabels.of(found));
				((ServiceRequest) found).getSupportingInfo().stream()
						.map(Reference::getReferenceElement)
						.filter(id -> id.hasResourceType() && id.hasIdPart() && !id.isAbsolute())
						.forEach(id -> cases.listed.add(relative(id)));
			}
		}
		return cases;
	}

	/** e.g. {@code Patient/123}: for search narrowing. */
	public Set<String> patients() {
		return Set.copyOf(patients);
	}

	public Set<String> tasks() {
		return Set.copyOf(tasks);
	}

	/** The organisations that referred the cases. */
	Set<String> organisations() {
		return Set.copyOf(organisations);
	}

	/**
	 * The stored file an attachment url names ({@code Binary/123}, relative or absolute, with or without a
	 * version), if it names one of ours.
	 */
	static Optional<String> binaryIn(String url) {
		int at = url == null ? -1 : url.lastIndexOf("Binary/");
		return at < 0 ? Optional.empty() : Optional.of(url.substring(at).replaceAll("/_history/.*$", ""));
	}

	/** The cases as the access policy sees them; what their records point to is looked up when the policy first asks. */
	Assignment asAssignment() {
		Set<String> anchors = new HashSet<>(tasks);
		anchors.addAll(requests);
		anchors.addAll(patients);
		return new Assignment(anchors, organisations, this::pointedTo);
	}

	/**
	 * What the cases point to beside their patients and requests: what the requests list, the files of the
	 * patients' documents and reports ({@code Binary/...} attachment urls), the medications their
	 * prescriptions and medication records name. Looked up when first needed.
	 */
	private Set<String> pointedTo() {
		if (pointedTo == null) {
			pointedTo = new HashSet<>(listed);
			if (!patients.isEmpty()) {
				for (IBaseResource found : search(daos, DocumentReference.class, patientsSearch())) {
					for (var content : ((DocumentReference) found).getContent()) {
						binaryIn(content.getAttachment().getUrl()).ifPresent(pointedTo::add);
					}
				}
				for (IBaseResource found : search(daos, DiagnosticReport.class, patientsSearch())) {
					for (var form : ((DiagnosticReport) found).getPresentedForm()) {
						binaryIn(form.getUrl()).ifPresent(pointedTo::add);
					}
				}
				medications(MedicationRequest.class, resource -> ((MedicationRequest) resource).getMedication());
				medications(MedicationStatement.class, resource -> ((MedicationStatement) resource).getMedication());
				medications(MedicationAdministration.class, resource -> ((MedicationAdministration) resource).getMedication());
			}
		}
		return pointedTo;
	}

	private void medications(Class<? extends IBaseResource> type, java.util.function.Function<IBaseResource, Object> medication) {
		for (IBaseResource found : search(daos, type, patientsSearch())) {
			if (medication.apply(found) instanceof Reference reference) {
				IIdType id = reference.getReferenceElement();
				if ("Medication".equals(id.getResourceType()) && id.hasIdPart() && !id.isAbsolute()) {
					pointedTo.add(relative(id));
				}
			}
		}
	}

	private static SearchParameterMap idsSearch(TokenOrListParam ids) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add("_id", ids);
		return search;
	}

	private SearchParameterMap patientsSearch() {
		ReferenceOrListParam subjects = new ReferenceOrListParam();
		patients.forEach(patient -> subjects.add(new ReferenceParam(patient)));
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add("patient", subjects);
		return search;
	}

	private static List<IBaseResource> search(DaoRegistry daos, Class<? extends IBaseResource> type, SearchParameterMap search) {
		var result = daos.getResourceDao(type).search(search, new SystemRequestDetails());
		Integer size = result.size();
		return result.getResources(0, size == null ? Integer.MAX_VALUE : size);
	}

	private static String relative(IIdType id) {
		return id.toUnqualifiedVersionless().getValue();
	}
}

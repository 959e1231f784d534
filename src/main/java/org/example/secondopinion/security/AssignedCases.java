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
import org.hl7.fhir.r4.model.DocumentReference;
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
	private Set<String> binaries;

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

	/** The cases as the access policy sees them; the files are looked up when the policy first asks. */
	Assignment asAssignment() {
		Set<String> anchors = new HashSet<>(tasks);
		anchors.addAll(requests);
		anchors.addAll(patients);
		return new Assignment(anchors, organisations, this::binaries);
	}

	/** The files the patients' records point to ({@code Binary/...} attachment urls); looked up when first needed. */
	private Set<String> binaries() {
		if (binaries == null) {
			binaries = new HashSet<>();
			if (!patients.isEmpty()) {
				ReferenceOrListParam subjects = new ReferenceOrListParam();
				patients.forEach(patient -> subjects.add(new ReferenceParam(patient)));
				for (IBaseResource found : search(daos, DocumentReference.class, patientsSearch(subjects))) {
					for (var content : ((DocumentReference) found).getContent()) {
						binaryIn(content.getAttachment().getUrl()).ifPresent(binaries::add);
					}
				}
			}
		}
		return binaries;
	}

	private static SearchParameterMap idsSearch(TokenOrListParam ids) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add("_id", ids);
		return search;
	}

	private static SearchParameterMap patientsSearch(ReferenceOrListParam subjects) {
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

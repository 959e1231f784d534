package org.example.secondopinion.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Patient;

/**
 * The patient a {@code patient/} token is about: the Patient whose identifier its {@code fhirUser}
 * claim names ({@code system|value}). No match, or more than one, is no patient: the token then
 * reaches nothing. Looked up once per request: search narrowing and authorization both ask.
 */
public class PatientOfCaller {

	private final DaoRegistry daoRegistry;

	public PatientOfCaller(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	private static final String RESOLVED = PatientOfCaller.class.getName();

	/** e.g. {@code Patient/123} */
	@SuppressWarnings("unchecked")
	public Optional<String> of(Caller caller, RequestDetails request) {
		return (Optional<String>) request.getUserData().computeIfAbsent(RESOLVED, key -> lookUp(caller));
	}

	private Optional<String> lookUp(Caller caller) {
		Optional<TokenParam> identifier = caller.fhirUserIdentifier();
		if (identifier.isEmpty()) {
			return Optional.empty();
		}
		List<String> ids = daoRegistry.getResourceDao(Patient.class)
				.search(SearchParameterMap.newSynchronous("identifier", identifier.get()), new SystemRequestDetails())
				.getResources(0, 2).stream()
				.map(patient -> patient.getIdElement().toUnqualifiedVersionless().getValue())
				.toList();
		return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
	}
}

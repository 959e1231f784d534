package org.example.secondopinion.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;

/**
 * Searches with a {@code patient/} token are narrowed to the token's patient (HAPI adds the patient
 * parameter), so a patient app's {@code DiagnosticReport?} finds that patient's reports rather than
 * being refused for the others'. HAPI's authorization rules still check every resource returned.
 */
public class PatientSearchNarrowing extends SearchNarrowingInterceptor {

	private final PatientOfCaller patients;

	public PatientSearchNarrowing(PatientOfCaller patients) {
		this.patients = patients;
	}

	@Override
	protected AuthorizedList buildAuthorizedList(RequestDetails request) {
		return Caller.current()
				.filter(Caller::hasPatientScopes)
				.map(caller -> patients.of(caller, request)
						.map(patient -> new AuthorizedList().addCompartment(patient))
						// a patient token whose patient is unknown reaches nothing: narrowed to no patient at all
						.orElseGet(() -> new AuthorizedList().addCompartment("Patient/unknown-patient")))
				.orElse(null);
	}
}

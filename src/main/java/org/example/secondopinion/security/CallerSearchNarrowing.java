package org.example.secondopinion.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Searches return what the caller may reach instead of being refused for what it may not (HAPI's
 * authorization rules still check every resource returned):
 * <ul>
 *   <li>a patient's searches are narrowed to their compartment (HAPI adds the patient parameter), so a
 *       patient app's {@code DiagnosticReport?} finds that patient's reports;
 *   <li>an expert's to the patients and Tasks of the cases assigned to them;
 * </ul>
 * An EHR's searches, and an expert's to their cases' organisations, are narrowed underneath, where every
 * search passes ({@link SearchGuard}).
 */
public class CallerSearchNarrowing extends SearchNarrowingInterceptor {

	/** Narrows to nothing: a caller whose patient or cases are unknown finds nothing. */
	private static final String NO_PATIENT = "Patient/none";

	private final PatientOfCaller patients;
	private final CaseAccess caseAccess;

	public CallerSearchNarrowing(PatientOfCaller patients, CaseAccess caseAccess) {
		this.patients = patients;
		this.caseAccess = caseAccess;
		// a conditional create, update, patch or delete matches only within the caller's cases too, so its
		// answer (a count in a 412, a match's id) says nothing of the others
		setNarrowConditionalUrls(true);
	}

	@Override
	protected AuthorizedList buildAuthorizedList(RequestDetails request) {
		return Caller.current().map(caller -> {
			if (caller.hasPatientScopes()) {
				return new AuthorizedList().addCompartment(patients.of(caller, request).orElse(NO_PATIENT));
			}
			if (caller.role() == org.example.secondopinion.access.Role.EXPERT) {
				Set<String> cases = caseAccess.actor(request).assignment().anchors();
				return new AuthorizedList()
						.addCompartments(orNone(cases.stream().filter(anchor -> anchor.startsWith("Patient/")), NO_PATIENT))
						.addResources(orNone(cases.stream().filter(anchor -> anchor.startsWith("Task/")), "Task/none"));
			}
			return null;
		}).orElse(null);
	}

	private static String[] orNone(Stream<String> ids, String none) {
		String[] values = ids.toArray(String[]::new);
		return values.length == 0 ? new String[] {none} : values;
	}
}

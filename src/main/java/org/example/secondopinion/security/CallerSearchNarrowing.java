package org.example.secondopinion.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Searches return what the caller may reach instead of being refused for what it may not (HAPI's
 * authorization rules still check every resource returned):
 * <ul>
 *   <li>a patient's searches are narrowed to their compartment (HAPI adds the patient parameter), so a
 *       patient app's {@code DiagnosticReport?} finds that patient's reports;
 *   <li>an expert's to the patients and Tasks of the cases assigned to them;
 *   <li>an EHR's to its organisation's resources ({@code _security} with its {@link OrganisationLabels label}).
 * </ul>
 */
public class CallerSearchNarrowing extends SearchNarrowingInterceptor {

	/** Narrows to nothing: a caller whose patient or cases are unknown finds nothing. */
	private static final String NO_PATIENT = "Patient/none";

	private final PatientOfCaller patients;
	private final CaseAccess caseAccess;

	public CallerSearchNarrowing(PatientOfCaller patients, CaseAccess caseAccess) {
		this.patients = patients;
		this.caseAccess = caseAccess;
	}

	@Override
	protected AuthorizedList buildAuthorizedList(RequestDetails request) {
		return Caller.current().map(caller -> {
			if (caller.hasPatientScopes()) {
				return new AuthorizedList().addCompartment(patients.of(caller, request).orElse(NO_PATIENT));
			}
			if (caller.role() == Caller.Role.EXPERT) {
				AssignedCases cases = caseAccess.assignedCases(caller, request);
				return new AuthorizedList()
						.addCompartments(orNone(cases.patients().stream(), NO_PATIENT))
						.addResources(orNone(cases.tasks().stream(), "Task/none"));
			}
			return null;
		}).orElse(null);
	}

	private static String[] orNone(Stream<String> ids, String none) {
		String[] values = ids.toArray(String[]::new);
		return values.length == 0 ? new String[] {none} : values;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void narrowToOrganisation(RequestDetails request) {
		if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE || request.getResourceName() == null
				|| !OrganisationLabels.isLabelled(request.getResourceName())) {
			return;
		}
		Caller.current().filter(caller -> caller.role() == Caller.Role.EHR && !caller.hasPatientScopes()).ifPresent(caller -> {
			Map<String, String[]> parameters = new HashMap<>(request.getParameters());
			// an EHR without an organisation finds nothing: narrowed to a label nobody has
			String label = OrganisationLabels.searchValue(caller.organization() == null ? "none" : caller.organization());
			String[] existing = parameters.getOrDefault("_security", new String[0]);
			String[] narrowed = Arrays.copyOf(existing, existing.length + 1);
			narrowed[existing.length] = label;
			parameters.put("_security", narrowed);
			request.setParameters(parameters);
		});
	}
}

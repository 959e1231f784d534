package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Which cases a caller may reach, on top of what its scopes allow:
 * <ul>
 *   <li>an EHR: the resources labelled with its organisation ({@link OrganisationLabels}), i.e. the cases
 *       it referred, their patients and everything filed with them, the opinions included;
 *   <li>an expert: the cases assigned to them ({@link AssignedCases});
 *   <li>a coordinator: every case (their scopes keep them from writing opinions);
 *   <li>a patient: decided by the compartment rules of their {@code patient/} scopes, not here.
 * </ul>
 * Shared resources (the directory, conformance resources) are open to every role.
 */
public class CaseAccess {

	private static final String ASSIGNED_CASES = CaseAccess.class.getName() + ".assigned";

	private final DaoRegistry daos;
	private final FhirContext fhirContext;

	public CaseAccess(DaoRegistry daos, FhirContext fhirContext) {
		this.daos = daos;
		this.fhirContext = fhirContext;
	}

	/** Whether the role is confined to some cases (EHRs and experts are; coordinators and patients are not here). */
	public static boolean isConfined(Caller caller) {
		return caller.role() == Caller.Role.EHR || caller.role() == Caller.Role.EXPERT;
	}

	public boolean mayReach(Caller caller, IBaseResource resource, RequestDetails request) {
		if (!isConfined(caller) || OrganisationLabels.isShared(resource.fhirType())) {
			return true;
		}
		if ("AuditEvent".equals(resource.fhirType())) {
			return false; // the server's own records: for coordinators
		}
		if (caller.role() == Caller.Role.EHR) {
			return caller.organization() != null && OrganisationLabels.of(resource).contains(caller.organization());
		}
		return assignedCases(caller, request).covers(resource, fhirContext);
	}

	/** For a single check outside HAPI's request processing (the streamed Binary path). */
	public boolean mayReach(Caller caller, IBaseResource resource) {
		return mayReach(caller, resource, new ca.uhn.fhir.rest.api.server.SystemRequestDetails());
	}

	/** The expert's cases, looked up once per request. */
	public AssignedCases assignedCases(Caller caller, RequestDetails request) {
		return (AssignedCases) request.getUserData()
				.computeIfAbsent(ASSIGNED_CASES, key -> AssignedCases.of(caller, daos));
	}

	/**
	 * The check as a HAPI rule tester for read rules: nothing is known before the resource is loaded,
	 * so the input side passes and every resource returned is checked.
	 */
	public IAuthRuleTester readTester(Caller caller) {
		return new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest test) {
				return test.resource == null || mayReach(caller, test.resource, test.requestDetails);
			}

			@Override
			public boolean matchesOutput(RuleTestRequest test) {
				return test.resource == null || mayReach(caller, test.resource, test.requestDetails);
			}
		};
	}
}

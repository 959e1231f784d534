package org.example.secondopinion.access;

import java.util.Set;

/**
 * Which resource types are shared by everyone (the directory, conformance resources), which are the
 * server's audit trail, and so which are case data: every other type, labelled with its organisation.
 */
public final class ResourceKinds {

	private static final Set<String> DIRECTORY = Set.of(
			"Organization", "Practitioner", "PractitionerRole", "Location", "HealthcareService", "Endpoint",
			"StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "SearchParameter", "NamingSystem",
			"CapabilityStatement", "OperationDefinition", "ImplementationGuide", "CompartmentDefinition",
			"StructureMap", "Questionnaire",
			// our R4 subscription topics are Basic resources; clients are given no scope to create Basic
			"Basic", "SubscriptionTopic");

	/** What the referrer sends as the case: the request, the patient, the diagnosis, the records and their files. */
	private static final Set<String> REFERRERS_CASE = Set.of(
			"ServiceRequest", "Patient", "Condition", "DocumentReference", "Binary");

	private ResourceKinds() {}

	public static boolean isReferrersCase(String type) {
		return type != null && REFERRERS_CASE.contains(type);
	}

	public static boolean isDirectory(String type) {
		return type != null && DIRECTORY.contains(type);
	}

	public static boolean isAuditTrail(String type) {
		return "AuditEvent".equals(type);
	}

	public static Membership.Kind of(String type) {
		return isDirectory(type) ? Membership.Kind.DIRECTORY
				: isAuditTrail(type) ? Membership.Kind.AUDIT_TRAIL : Membership.Kind.CASE_DATA;
	}
}

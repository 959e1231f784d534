package org.example.secondopinion.access;

import java.util.List;
import java.util.Set;

/**
 * Which resource types are shared by everyone (the directory, conformance resources), which are the
 * server's audit trail, which the server does not keep at all, and so which are case data: every other
 * type, labelled with its organisation.
 */
public final class ResourceKinds {

	private static final Set<String> DIRECTORY = Set.of(
			"Organization", "Practitioner", "PractitionerRole", "Location", "HealthcareService", "Endpoint",
			"StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "SearchParameter", "NamingSystem",
			"CapabilityStatement", "OperationDefinition", "ImplementationGuide", "CompartmentDefinition",
			"StructureMap", "Questionnaire",
			// our R4 subscription topics are Basic resources; clients are given no scope to create Basic
			"Basic", "SubscriptionTopic");

	/**
	 * The clinical record as US Core and the International Patient Summary define it: what an EHR sends
	 * about the patient, in name order. Location is one of them but shared (the directory): a place, not
	 * anything about a patient.
	 */
	public static final List<String> CLINICAL_RECORD = List.of(
			"AllergyIntolerance", "CarePlan", "CareTeam", "Condition", "Device", "DiagnosticReport", "DocumentReference",
			"Encounter", "FamilyMemberHistory", "Goal", "ImagingStudy", "Immunization", "Location", "Medication",
			"MedicationAdministration", "MedicationRequest", "MedicationStatement", "Observation", "Procedure",
			"Provenance", "QuestionnaireResponse", "Specimen");

	/**
	 * Billing and administrative data, which a review does not need: the server keeps only what the
	 * review needs, so these are refused whoever sends them.
	 */
	private static final Set<String> NOT_KEPT = Set.of(
			"Account", "ChargeItem", "ChargeItemDefinition", "Claim", "ClaimResponse", "Contract", "Coverage",
			"CoverageEligibilityRequest", "CoverageEligibilityResponse", "EnrollmentRequest", "EnrollmentResponse",
			"ExplanationOfBenefit", "InsurancePlan", "Invoice", "PaymentNotice", "PaymentReconciliation");

	/**
	 * What the referrer sends as the case: the request, the patient, the records and their files. The
	 * hospital's own DiagnosticReports are among them too, but that type is also the opinion's, so the
	 * policy tells the two apart by what the report is based on ({@link AccessPolicy#report}).
	 */
	private static final Set<String> REFERRERS_CASE = Set.copyOf(
			java.util.stream.Stream.concat(
					Set.of("ServiceRequest", "Patient", "Binary", "Bundle").stream(),
					CLINICAL_RECORD.stream().filter(type -> !"DiagnosticReport".equals(type)))
					.toList());

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

	/** Billing and administrative types, which the server does not keep. */
	public static boolean isNotKept(String type) {
		return type != null && NOT_KEPT.contains(type);
	}

	public static Set<String> notKept() {
		return NOT_KEPT;
	}

	public static Membership.Kind of(String type) {
		return isDirectory(type) ? Membership.Kind.DIRECTORY
				: isAuditTrail(type) ? Membership.Kind.AUDIT_TRAIL : Membership.Kind.CASE_DATA;
	}
}

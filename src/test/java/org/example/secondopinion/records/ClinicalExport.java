package org.example.secondopinion.records;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.FamilyMemberHistory;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Specimen;

/**
 * A generated EHR export, as a hospital's system sends it: one transaction Bundle holding, for each
 * patient, their clinical record in every type of US Core and the International Patient Summary that
 * the server accepts. Identifiers carry a unique marker, so each export is new to the server and its
 * resources can be found (and told from everyone else's) by that marker.
 */
final class ClinicalExport {

	static final String SNOMED = "http://snomed.info/sct";
	static final String LOINC = "http://loinc.org";
	static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";

	/** Every type one patient's record holds in this export (Location is shared, once per export). */
	static final List<String> TYPES = List.of("AllergyIntolerance", "CarePlan", "CareTeam", "Condition", "Device",
			"DiagnosticReport", "DocumentReference", "Encounter", "FamilyMemberHistory", "Goal", "ImagingStudy",
			"Immunization", "Medication", "MedicationAdministration", "MedicationRequest", "MedicationStatement",
			"Observation", "Procedure", "Provenance", "QuestionnaireResponse", "Specimen");

	final String marker = UUID.randomUUID().toString().substring(0, 8);
	final String identifierSystem;
	final Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
	/** For each patient (by the fullUrl of its entry), the fullUrls of its structured case records. */
	final Map<String, CaseRecords> patients = new LinkedHashMap<>();
	/** For each patient (by fullUrl), the fullUrls of every entry of their record. */
	final Map<String, List<String>> recordOf = new LinkedHashMap<>();

	/** The records of one patient a second-opinion request may list: pathology, imaging, the excision. */
	record CaseRecords(String patient, String pathologyReport, String imagingReport, String imagingStudy, String procedure,
			String diagnosis) {}

	ClinicalExport(String hospital, int patientCount) {
		identifierSystem = "https://" + marker + "-" + hospital + "/id/record";
		String location = add(new Location().setName("Radiology " + marker).addIdentifier(identifier("location")));
		for (int i = 0; i < patientCount; i++) {
			addPatient(i, location);
		}
	}

	private void addPatient(int number, String location) {
		int first = bundle.getEntry().size();
		Patient patient = new Patient();
		patient.addIdentifier(identifier("patient-" + number));
		patient.addName().setFamily("Export-" + marker).addGiven("Patient " + number);
		patient.setGender(number % 2 == 0 ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
		patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1970-0" + (1 + number % 9) + "-15"));
		String subject = add(patient);

		Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
				.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
				.setSubject(ref(subject));
		encounter.addIdentifier(identifier("encounter-" + number));
		encounter.addLocation().setLocation(ref(location));
		String visit = add(encounter);

		Condition condition = new Condition().setSubject(ref(subject)).setEncounter(ref(visit))
				.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"))
				.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed"))
				.setCode(concept(SNOMED, "254836000", "Soft tissue sarcoma"));
		condition.addIdentifier(identifier("condition-" + number));
		String diagnosis = add(condition);

		AllergyIntolerance allergy = new AllergyIntolerance().setPatient(ref(subject))
				.setClinicalStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"))
				.setVerificationStatus(concept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"))
				.setCode(concept(SNOMED, "91936005", "Allergy to penicillin"));
		allergy.addIdentifier(identifier("allergy-" + number));
		add(allergy);

		FamilyMemberHistory family = new FamilyMemberHistory().setStatus(FamilyMemberHistory.FamilyHistoryStatus.COMPLETED)
				.setPatient(ref(subject)).setRelationship(concept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH", "mother"));
		family.addIdentifier(identifier("family-" + number));
		add(family);

		Procedure excision = new Procedure().setStatus(Procedure.ProcedureStatus.COMPLETED).setSubject(ref(subject))
				.setEncounter(ref(visit)).setCode(concept(SNOMED, "177302008", "Excision of lesion of soft tissue"))
				.setPerformed(new DateTimeType("2026-03-10"));
		excision.addIdentifier(identifier("procedure-" + number));
		String procedure = add(excision);

		Specimen specimen = new Specimen().setSubject(ref(subject)).setType(concept(SNOMED, "430861001", "Tissue specimen"));
		specimen.addIdentifier(identifier("specimen-" + number));
		String tissue = add(specimen);

		Observation size = observation(subject, number, "size", new CodeableConcept(new Coding(LOINC, "21889-1", "Size Tumor")),
				new Quantity().setValue(new BigDecimal("8.5")).setUnit("cm").setSystem("http://unitsofmeasure.org").setCode("cm"));
		size.setSpecimen(ref(tissue));
		String tumourSize = add(size);

		DiagnosticReport pathology = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
				.setSubject(ref(subject)).setCode(concept(LOINC, "60568-3", "Pathology Synoptic report"))
				.setConclusion("Adipocytic tumour, margins involved");
		pathology.addCategory(concept(V2_0074, "SP", "Surgical Pathology"));
		pathology.addIdentifier(identifier("pathology-" + number));
		pathology.addSpecimen(ref(tissue));
		pathology.addResult(ref(tumourSize));
		String pathologyReport = add(pathology);

		ImagingStudy mri = new ImagingStudy().setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE).setSubject(ref(subject));
		mri.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:2.25." + Math.abs(UUID.randomUUID().getMostSignificantBits()));
		mri.addIdentifier(identifier("imaging-" + number));
		mri.addModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", "MR", "Magnetic Resonance"));
		mri.addSeries().setUid("2.25." + Math.abs(UUID.randomUUID().getLeastSignificantBits()))
				.setModality(new Coding("http://dicom.nema.org/resources/ontology/DCM", "MR", "Magnetic Resonance"));
		mri.setLocation(ref(location));
		String imagingStudy = add(mri);

		DiagnosticReport radiology = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
				.setSubject(ref(subject)).setCode(concept(LOINC, "24558-9", "MR Thigh")).setConclusion("Deep intramuscular mass");
		radiology.addCategory(concept(V2_0074, "RAD", "Radiology"));
		radiology.addIdentifier(identifier("radiology-" + number));
		radiology.addImagingStudy(ref(imagingStudy));
		String imagingReport = add(radiology);

		Medication medication = new Medication().setCode(concept("http://www.nlm.nih.gov/research/umls/rxnorm", "197696", "Doxorubicin"));
		medication.addIdentifier(identifier("medication-" + number));
		String drug = add(medication);
		MedicationRequest prescription = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setMedication(ref(drug)).setSubject(ref(subject));
		prescription.addIdentifier(identifier("prescription-" + number));
		add(prescription);
		MedicationStatement statement = new MedicationStatement().setStatus(MedicationStatement.MedicationStatementStatus.ACTIVE)
				.setMedication(concept("http://www.nlm.nih.gov/research/umls/rxnorm", "313782", "Paracetamol")).setSubject(ref(subject));
		statement.addIdentifier(identifier("statement-" + number));
		add(statement);
		MedicationAdministration administration = new MedicationAdministration().setStatus(MedicationAdministration.MedicationAdministrationStatus.COMPLETED)
				.setMedication(ref(drug)).setSubject(ref(subject)).setEffective(new DateTimeType("2026-03-12"));
		administration.addIdentifier(identifier("administration-" + number));
		add(administration);
		Immunization immunization = new Immunization().setStatus(Immunization.ImmunizationStatus.COMPLETED)
				.setVaccineCode(concept("http://hl7.org/fhir/sid/cvx", "140", "Influenza")).setPatient(ref(subject))
				.setOccurrence(new DateTimeType("2025-10-01"));
		immunization.addIdentifier(identifier("immunization-" + number));
		add(immunization);

		CarePlan plan = new CarePlan().setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN).setSubject(ref(subject));
		plan.addIdentifier(identifier("careplan-" + number));
		add(plan);
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(ref(subject)).setName("Sarcoma team");
		team.addIdentifier(identifier("careteam-" + number));
		add(team);
		Goal goal = new Goal().setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE).setSubject(ref(subject))
				.setDescription(new CodeableConcept().setText("Local control of the tumour"));
		goal.addIdentifier(identifier("goal-" + number));
		add(goal);
		Device device = new Device().setPatient(ref(subject));
		device.addDeviceName().setName("Knee brace").setType(Device.DeviceNameType.USERFRIENDLYNAME);
		device.addIdentifier(identifier("device-" + number));
		add(device);
		QuestionnaireResponse answers = new QuestionnaireResponse().setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED)
				.setSubject(ref(subject)).setIdentifier(identifier("questionnaire-" + number));
		add(answers);
		DocumentReference summary = new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT)
				.setType(concept(LOINC, "18842-5", "Discharge summary")).setSubject(ref(subject));
		summary.addIdentifier(identifier("document-" + number));
		summary.addContent().setAttachment(new Attachment().setContentType("text/plain").setData("Discharged home".getBytes()));
		add(summary);
		Provenance provenance = new Provenance().setRecorded(new Date());
		provenance.addTarget(ref(subject));
		provenance.addAgent().setWho(new Reference().setDisplay("St Elsewhere EHR export"));
		add(provenance);

		recordOf.put(subject, bundle.getEntry().subList(first, bundle.getEntry().size()).stream()
				.map(Bundle.BundleEntryComponent::getFullUrl).toList());
		patients.put(subject, new CaseRecords(subject, pathologyReport, imagingReport, imagingStudy, procedure, diagnosis));
	}

	private Observation observation(String subject, int number, String name, CodeableConcept code, Quantity value) {
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setCode(code)
				.setSubject(ref(subject)).setValue(value);
		observation.addCategory(concept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"));
		observation.addIdentifier(identifier(name + "-" + number));
		return observation;
	}

	/** Adds the resource as a POST entry; its fullUrl, for references. */
	String add(Resource resource) {
		String fullUrl = "urn:uuid:" + UUID.randomUUID();
		bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
		return fullUrl;
	}

	org.hl7.fhir.r4.model.Identifier identifier(String value) {
		return new org.hl7.fhir.r4.model.Identifier().setSystem(identifierSystem).setValue(value);
	}

	String json() {
		return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(bundle);
	}

	List<String> fullUrlsOf(String type) {
		List<String> found = new ArrayList<>();
		bundle.getEntry().stream().filter(entry -> entry.getResource().fhirType().equals(type)).forEach(entry -> found.add(entry.getFullUrl()));
		return found;
	}

	static Reference ref(String fullUrl) {
		return new Reference(fullUrl);
	}

	static CodeableConcept concept(String system, String code) {
		return new CodeableConcept(new Coding(system, code, null));
	}

	static CodeableConcept concept(String system, String code, String display) {
		return new CodeableConcept(new Coding(system, code, display));
	}
}

package org.example.secondopinion.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.access.ResourceKinds;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.samples.SampleBundles;
import org.example.secondopinion.security.TestTokens;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hospital's EHR sends what it holds: a whole clinical export of several generated patients, one of them
 * with a second-opinion request that lists the structured pathology report, MRI report, MRI study and
 * excision. Each entry is accepted; the records reach that hospital and the expert the case is assigned to,
 * nobody else by any path; billing data is refused saying why; a missing scope is named; the case is
 * complete on its structured records alone and {@code $case} groups them.
 */
class ClinicalRecordsIT extends FhirServerIT {

	private static final String EHR_SCOPES = "system/Patient.cruds system/Practitioner.cruds system/PractitionerRole.cruds "
			+ "system/Organization.cruds system/ServiceRequest.cruds system/Task.cruds system/Communication.cruds system/Bundle.cruds "
			+ ResourceKinds.CLINICAL_RECORD.stream().map(type -> "system/" + type + ".cruds").collect(Collectors.joining(" "));
	private static final List<String> EXPERTS = List.of("expert-osei", "expert-lindqvist", "expert-herrera", "expert-tanaka");

	/** One export for the whole class: posting it is what the first test checks, the others build on it. */
	private static Export export;

	/** The posted export: ids by the fullUrl of their entry, the case, its expert. */
	private record Export(ClinicalExport sent, Map<String, String> ids, String request, String patient, String expert) {
		String id(String fullUrl) {
			return ids.get(fullUrl);
		}
	}

	@BeforeEach
	void exportPosted() {
		if (export == null) {
			export = postExport();
		}
	}

	@Test
	void everyEntryOfTheExportIsAcceptedAndTheCaseIsCompleteOnStructuredRecordsAlone() {
		Parameters completeness = json(Parameters.class, as(coordinatorToken(), "GET", "/" + export.request() + "/$completeness", null));
		assertThat(((org.hl7.fhir.r4.model.BooleanType) completeness.getParameter("complete").getValue()).booleanValue()).isTrue();
		assertThat(completeness.getParameter("state").getValue().primitiveValue()).isEqualTo("assigned");
		assertThat(export.expert()).isIn(EXPERTS);
	}

	@Test
	void theRecordsReachTheHospitalAndTheAssignedExpertAndNobodyElse() {
		String ehr = ehrToken("st-elsewhere-ehr");
		String otherHospital = ehrToken("riverbend-ehr");
		String expert = expertToken(export.expert());
		String otherExpert = expertToken(EXPERTS.stream().filter(other -> !other.equals(export.expert())).findFirst().orElseThrow());
		String system = export.sent().identifierSystem + "|";
		List<String> failures = new ArrayList<>();
		for (String type : ClinicalExport.TYPES) {
			String search = "Provenance".equals(type) ? null : "/" + type + "?identifier=" + system + "&_count=100";
			List<String> sent = export.sent().fullUrlsOf(type).stream().map(export::id).toList();
			List<String> ofTheCase = sent.stream().filter(id -> belongsToCasePatient(type, id)).toList();
			if (search != null) {
				expectFound(failures, "EHR " + type, ehr, search, sent);
				expectFound(failures, "expert " + type, expert, search, ofTheCase);
				expectFound(failures, "other hospital " + type, otherHospital, search, List.of());
				expectFound(failures, "other expert " + type, otherExpert, search, List.of());
			}
			for (String id : sent) {
				expectStatus(failures, "EHR reads " + id, ehr, id, 200);
				expectStatus(failures, "expert reads " + id, expert, id, ofTheCase.contains(id) ? 200 : 404);
				expectStatus(failures, "other hospital reads " + id, otherHospital, id, 404);
				expectStatus(failures, "other expert reads " + id, otherExpert, id, 404);
			}
		}
		assertThat(failures).isEmpty();
	}

	@Test
	void anotherHospitalReachesNothingOfItByAnyPath() {
		String other = ehrToken("riverbend-ehr");
		String observation = export.id(export.sent().fullUrlsOf("Observation").get(0));
		String medication = export.id(export.sent().fullUrlsOf("Medication").get(0));
		String marker = export.sent().marker;
		String unknown = "HAPI-2001: Resource ";
		assertThat(as(other, "PUT", "/" + observation, observationJson(observation, export.patient())).body()).contains(unknown);
		HttpResponse<String> patched = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/" + observation))
				.header("Authorization", "Bearer " + other).header("Content-Type", "application/json-patch+json")
				.method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"amended\"}]"))
				.build());
		assertThat(patched.statusCode()).isEqualTo(404);
		assertThat(as(other, "DELETE", "/" + medication, null).statusCode()).isEqualTo(404);
		// conditional update by the export's identifier: matches nothing of another hospital's, creates its own
		HttpResponse<String> conditional = as(other, "PUT", "/Observation?identifier=" + export.sent().identifierSystem + "|size-0",
				"{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"identifier\":[{\"system\":\""
						+ export.sent().identifierSystem + "\",\"value\":\"size-0\"}]}");
		assertThat(conditional.statusCode()).as(conditional.body()).isEqualTo(201);
		assertThat(as(other, "GET", "/" + observation, null).statusCode()).isEqualTo(404);
		String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
				+ observationJson(observation, export.patient()) + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + observation + "\"}}]}";
		assertThat(as(other, "POST", "", transaction).statusCode()).isEqualTo(404);
		HttpResponse<String> refersToIt = as(other, "POST", "/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\","
				+ "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"" + export.patient() + "\"}}");
		assertThat(refersToIt.statusCode()).isEqualTo(400);
		assertThat(refersToIt.body()).contains("HAPI-1094: Resource " + export.patient() + " not found");
		assertThat(as(other, "GET", "/Patient?_has:Observation:subject:code=21889-1", null).statusCode()).isEqualTo(403);
		for (String search : List.of("/Observation?subject.family=Export-" + marker,
				"/Observation?patient.identifier=" + export.sent().identifierSystem + "|patient-0",
				"/MedicationRequest?_include=MedicationRequest:medication&_include:iterate=MedicationRequest:subject",
				"/DiagnosticReport?_include:iterate=DiagnosticReport:result&_include:iterate=Observation:specimen&code=60568-3",
				"/Specimen?_revinclude:iterate=DiagnosticReport:specimen&type=430861001")) {
			HttpResponse<String> answer = as(other, "GET", search, null);
			assertThat(json(Bundle.class, answer).getEntry()).as(search).isEmpty();
		}
	}

	@Test
	void billingDataIsRefusedSayingWhyAndAMissingScopeIsNamed() {
		String ehr = ehrToken("st-elsewhere-ehr");
		HttpResponse<String> claim = as(ehr, "POST", "/Claim", "{\"resourceType\":\"Claim\",\"status\":\"active\"}");
		assertThat(claim.statusCode()).isEqualTo(422);
		assertThat(claim.body()).contains("OperationOutcome").contains("[only-what-the-review-needs]").contains("Claim is billing")
				.contains("only what the review needs");
		String withBilling = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
				+ "{\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + export.sent().identifierSystem
				+ "\",\"value\":\"billing-only\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
				+ "{\"resource\":{\"resourceType\":\"ExplanationOfBenefit\",\"status\":\"active\"},\"request\":{\"method\":\"POST\",\"url\":\"ExplanationOfBenefit\"}},"
				+ "{\"resource\":{\"resourceType\":\"Coverage\",\"status\":\"active\"},\"request\":{\"method\":\"POST\",\"url\":\"Coverage\"}}]}";
		HttpResponse<String> refused = as(ehr, "POST", "", withBilling);
		assertThat(refused.statusCode()).isEqualTo(422);
		assertThat(refused.body()).contains("ExplanationOfBenefit is billing");
		assertThat(count("Patient?identifier=" + export.sent().identifierSystem + "|billing-only")).as("nothing stored").isZero();

		HttpResponse<String> noScope = as(TestTokens.field(TestTokens.requestToken(origin(), "st-elsewhere-ehr",
				TestTokens.sampleClientKey("st-elsewhere-ehr"), "system/Patient.cruds system/Observation.rs").body(), "access_token"),
				"POST", "/Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}");
		assertThat(noScope.statusCode()).isEqualTo(403);
		assertThat(noScope.body()).contains("OperationOutcome").contains("system/Observation.c");
		HttpResponse<String> noScopeInTransaction = as(ehrToken("st-elsewhere-ehr", "system/Patient.cruds"), "POST", "",
				"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Procedure\","
						+ "\"status\":\"completed\",\"subject\":{\"reference\":\"" + export.patient() + "\"}},\"request\":{\"method\":\"POST\",\"url\":\"Procedure\"}}]}");
		assertThat(noScopeInTransaction.statusCode()).isEqualTo(403);
		assertThat(noScopeInTransaction.body()).contains("system/Procedure.c");
		HttpResponse<String> expertSearch = as(tokenWithSecret(export.expert(), "dev-" + export.expert(), "user/Patient.rs"),
				"GET", "/Observation?patient=" + export.patient(), null);
		assertThat(expertSearch.statusCode()).isEqualTo(403);
		assertThat(expertSearch.body()).contains("user/Observation.s");
	}

	@Test
	void theCaseViewGroupsTheStructuredRecords() {
		Bundle view = json(Bundle.class, as(expertToken(export.expert()), "GET", "/" + export.request() + "/$case", null));
		Map<String, List<String>> groups = new LinkedHashMap<>();
		for (Bundle.BundleEntryComponent entry : view.getEntry()) {
			Extension group = entry.getExtensionByUrl("https://second-opinion.example.org/fhir/StructureDefinition/so-record-group");
			if (group != null) {
				groups.computeIfAbsent(group.getValue().primitiveValue(), key -> new ArrayList<>()).add(entry.getResource().fhirType());
			}
		}
		assertThat(groups.keySet()).containsExactly("problems", "procedures", "results", "imaging", "medications", "care");
		assertThat(groups.get("problems")).contains("Condition", "AllergyIntolerance", "FamilyMemberHistory");
		assertThat(groups.get("procedures")).containsExactly("Procedure");
		assertThat(groups.get("results")).contains("Observation", "Specimen", "DiagnosticReport");
		assertThat(groups.get("imaging")).containsExactlyInAnyOrder("ImagingStudy", "DiagnosticReport");
		assertThat(groups.get("medications")).contains("Medication", "MedicationRequest", "MedicationStatement",
				"MedicationAdministration", "Immunization");
		assertThat(groups.get("care")).contains("Encounter", "CarePlan", "CareTeam", "Goal", "Device", "QuestionnaireResponse", "Provenance");
		String otherPatient = export.id(export.sent().patients.keySet().stream().skip(1).findFirst().orElseThrow());
		assertThat(view.getEntry()).extracting(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.contains(export.request(), export.patient()).doesNotContain(otherPatient);
	}

	@Test
	void theCaseViewLeavesOutWhatTheTokenDoesNotReadRatherThanRefusingItWhole() {
		String narrow = tokenWithSecret(export.expert(), "dev-" + export.expert(), "user/ServiceRequest.rs user/Patient.rs");
		HttpResponse<String> answer = as(narrow, "GET", "/" + export.request() + "/$case", null);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(json(Bundle.class, answer).getEntry()).extracting(entry -> entry.getResource().fhirType())
				.isNotEmpty().containsOnly("ServiceRequest", "Patient");
	}

	@Test
	void theHospitalsReportIsARecordAndOnlyTheExpertWritesOpinions() {
		String ehr = ehrToken("st-elsewhere-ehr");
		ClinicalExport.CaseRecords records = export.sent().patients.get(export.sent().patients.keySet().iterator().next());
		DiagnosticReport opinion = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY)
				.setSubject(new Reference(export.patient())).setCode(ClinicalExport.concept(ClinicalExport.LOINC, "11488-4"));
		opinion.addBasedOn(new Reference(export.request()));
		opinion.addPerformer(new Reference(expertRole()));
		HttpResponse<String> byEhr = as(ehr, "POST", "/DiagnosticReport", FHIR.newJsonParser().encodeResourceToString(opinion));
		assertThat(byEhr.statusCode()).as(byEhr.body()).isIn(403, 422);
		assertThat(count("DiagnosticReport?based-on=" + export.request())).as("no opinion stored").isZero();

		String pathology = export.id(records.pathologyReport());
		String stored = as(ehr, "GET", "/" + pathology, null).body();
		HttpResponse<String> changedByExpert = as(expertToken(export.expert()), "PUT", "/" + pathology,
				stored.replace("margins involved", "margins clear"));
		assertThat(changedByExpert.statusCode()).isEqualTo(403);
		assertThat(changedByExpert.body()).contains("[expert-adds-to-case]");
		HttpResponse<String> correctedByEhr = as(ehr, "PUT", "/" + pathology, stored.replace("margins involved", "margins involved (R1)"));
		assertThat(correctedByEhr.statusCode()).as(correctedByEhr.body()).isEqualTo(200);
	}

	@Test
	void aReportBasedOnTheHospitalsOwnOrderIsARecordNotAnOpinion() {
		String ehr = ehrToken("st-elsewhere-ehr");
		String system = export.sent().identifierSystem;
		String order = "urn:uuid:6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e41";
		String inOneBundle = """
				{"resourceType": "Bundle", "type": "transaction", "entry": [
				 {"fullUrl": "%1$s", "resource": {"resourceType": "ServiceRequest", "status": "completed", "intent": "order",
				  "identifier": [{"system": "%2$s", "value": "histology-order-1"}],
				  "code": {"text": "Histopathology of excision specimen"}, "subject": {"reference": "%3$s"}},
				  "request": {"method": "POST", "url": "ServiceRequest"}},
				 {"fullUrl": "urn:uuid:6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e42", "resource": {"resourceType": "DiagnosticReport",
				  "status": "final", "identifier": [{"system": "%2$s", "value": "histology-report-1"}],
				  "basedOn": [{"reference": "%1$s"}], "subject": {"reference": "%3$s"},
				  "code": {"coding": [{"system": "http://loinc.org", "code": "22637-3"}], "text": "Pathology report"},
				  "conclusion": "Margins involved."},
				  "request": {"method": "POST", "url": "DiagnosticReport"}}]}
				""".formatted(order, system, export.patient());
		HttpResponse<String> posted = as(ehr, "POST", "", inOneBundle);
		assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

		Bundle found = json(Bundle.class, as(ehr, "GET", "/ServiceRequest?identifier=" + system + "|histology-order-1", null));
		String storedOrder = found.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
		DiagnosticReport addendum = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
				.setSubject(new Reference(export.patient())).setCode(ClinicalExport.concept(ClinicalExport.LOINC, "22637-3"));
		addendum.addBasedOn(new Reference(storedOrder));
		addendum.setConclusion("Addendum: FNCLCC grade 2.");
		HttpResponse<String> alone = as(ehr, "POST", "/DiagnosticReport", FHIR.newJsonParser().encodeResourceToString(addendum));
		assertThat(alone.statusCode()).as(alone.body()).isEqualTo(201);
		assertThat(json(Bundle.class, as(ehr, "GET", "/DiagnosticReport?based-on=" + storedOrder, null)).getEntry()).hasSize(2);
	}

	@Test
	void aListedReportEnteredInErrorOrAStudyDeletedSendsTheCaseBackToAwaitRecords() {
		Export fresh = postExport(1);
		String ehr = ehrToken("st-elsewhere-ehr");
		ClinicalExport.CaseRecords records = fresh.sent().patients.values().iterator().next();
		String pathology = fresh.id(records.pathologyReport());
		DiagnosticReport report = json(DiagnosticReport.class, as(ehr, "GET", "/" + pathology, null));
		report.setStatus(DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR);

		HttpResponse<String> withdrawn = as(ehr, "PUT", "/" + pathology, FHIR.newJsonParser().encodeResourceToString(report));
		assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);
		Parameters afterReport = json(Parameters.class, as(coordinatorToken(), "GET", "/" + fresh.request() + "/$completeness", null));
		assertThat(afterReport.getParameter("state").getValue().primitiveValue()).isEqualTo("awaiting-records");
		assertThat(afterReport.getParameters("missing")).extracting(p -> p.getValue().primitiveValue())
				.anySatisfy(name -> assertThat(name).containsIgnoringCase("pathology"));

		HttpResponse<String> deleted = as(ehr, "DELETE", "/" + fresh.id(records.imagingStudy()), null);
		assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 204);
		Parameters afterStudy = json(Parameters.class, as(coordinatorToken(), "GET", "/" + fresh.request() + "/$completeness", null));
		assertThat(afterStudy.getParameters("missing")).extracting(p -> p.getValue().primitiveValue())
				.anySatisfy(name -> assertThat(name).containsIgnoringCase("study"));
	}

	@Test
	void aPatientSummaryDocumentIsKeptAsItIsAndIsPartOfTheCase() {
		String ehr = ehrToken("st-elsewhere-ehr");
		String system = export.sent().identifierSystem;
		String summary = """
				{"resourceType": "Bundle", "type": "document", "timestamp": "2026-04-08T09:00:00+02:00",
				 "identifier": {"system": "%1$s", "value": "ips-0"},
				 "entry": [
				  {"fullUrl": "urn:uuid:3b9f0a52-3c4e-4b8e-9a43-5d1f2f0e6a01", "resource": {"resourceType": "Composition",
				   "status": "final", "type": {"coding": [{"system": "http://loinc.org", "code": "60591-5", "display": "Patient summary Document"}]},
				   "subject": {"reference": "urn:uuid:3b9f0a52-3c4e-4b8e-9a43-5d1f2f0e6a02"}, "date": "2026-04-08T09:00:00+02:00",
				   "author": [{"display": "St Elsewhere EHR"}], "title": "Patient summary",
				   "section": [{"title": "Problems", "code": {"coding": [{"system": "http://loinc.org", "code": "11450-4"}]},
				    "text": {"status": "generated", "div": "<div xmlns='http://www.w3.org/1999/xhtml'>Thigh mass</div>"},
				    "entry": [{"reference": "urn:uuid:3b9f0a52-3c4e-4b8e-9a43-5d1f2f0e6a03"}]}]}},
				  {"fullUrl": "urn:uuid:3b9f0a52-3c4e-4b8e-9a43-5d1f2f0e6a02", "resource": {"resourceType": "Patient",
				   "identifier": [{"system": "%1$s", "value": "ips-patient"}], "name": [{"family": "Summary"}]}},
				  {"fullUrl": "urn:uuid:3b9f0a52-3c4e-4b8e-9a43-5d1f2f0e6a03", "resource": {"resourceType": "Condition",
				   "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
				   "code": {"text": "Mass of thigh"}, "subject": {"reference": "urn:uuid:3b9f0a52-3c4e-4b8e-9a43-5d1f2f0e6a02"}}}]}
				""".formatted(system);
		HttpResponse<String> posted = as(ehr, "POST", "/Bundle", summary);
		assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
		Bundle stored = json(Bundle.class, as(ehr, "GET", "/Bundle?identifier=" + system + "|ips-0", null));
		String document = stored.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
		Bundle kept = json(Bundle.class, as(ehr, "GET", "/" + document, null));
		assertThat(kept.getType()).isEqualTo(Bundle.BundleType.DOCUMENT);
		assertThat(kept.getEntry()).extracting(entry -> entry.getResource().fhirType()).containsExactly("Composition", "Patient", "Condition");

		ServiceRequest request = json(ServiceRequest.class, as(ehr, "GET", "/" + export.request(), null));
		request.addSupportingInfo(new Reference(document));
		HttpResponse<String> listed = as(ehr, "PUT", "/" + export.request(), FHIR.newJsonParser().encodeResourceToString(request));
		assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);

		Bundle view = json(Bundle.class, as(expertToken(export.expert()), "GET", "/" + export.request() + "/$case", null));
		assertThat(view.getEntry()).extracting(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.contains(document);
		assertThat(as(expertToken(export.expert()), "GET", "/" + document, null).statusCode()).isEqualTo(200);
		assertThat(as(ehrToken("riverbend-ehr"), "GET", "/" + document, null).statusCode()).isEqualTo(404);
		String otherExpert = EXPERTS.stream().filter(other -> !other.equals(export.expert())).findFirst().orElseThrow();
		assertThat(as(expertToken(otherExpert), "GET", "/" + document, null).statusCode()).isEqualTo(404);
	}

	private Export postExport() {
		return postExport(3);
	}

	/** A new export of generated patients, the first with the sample sarcoma request listing its structured records. */
	private Export postExport(int patients) {
		postDirectory(SampleBundles.read(SampleBundles.FOLDER.resolve("01-expert-directory.json")));
		ClinicalExport sent = new ClinicalExport("st-elsewhere.example.org", patients);
		ClinicalExport.CaseRecords records = sent.patients.values().iterator().next();
		Bundle sample = FHIR.newJsonParser().parseResource(Bundle.class,
				new SampleCase("st-elsewhere.example.org").file("02-sarcoma-request.json"));
		Map<String, String> renamed = new HashMap<>();
		for (Bundle.BundleEntryComponent entry : sample.getEntry()) {
			switch (entry.getResource().fhirType()) {
				case "Patient" -> renamed.put(entry.getFullUrl(), records.patient());
				case "Condition" -> renamed.put(entry.getFullUrl(), records.diagnosis());
				default -> { }
			}
		}
		for (Bundle.BundleEntryComponent entry : sample.getEntry()) {
			Resource resource = entry.getResource();
			// the sample's own patient and records give way to the generated ones
			if ("Patient".equals(resource.fhirType()) || ResourceKinds.CLINICAL_RECORD.contains(resource.fhirType())) {
				continue;
			}
			if (resource instanceof ServiceRequest request) {
				request.getSupportingInfo().clear();
				for (String record : List.of(records.pathologyReport(), records.imagingReport(), records.imagingStudy(), records.procedure())) {
					request.addSupportingInfo(new Reference(record));
				}
			}
			FHIR.newTerser().getAllPopulatedChildElementsOfType(resource, Reference.class).forEach(reference -> {
				if (renamed.containsKey(reference.getReference())) {
					reference.setReference(renamed.get(reference.getReference()));
				}
			});
			sent.bundle.addEntry(entry);
		}
		HttpResponse<String> posted = as(ehrToken("st-elsewhere-ehr"), "POST", "", sent.json());
		assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
		Bundle answer = json(Bundle.class, posted);
		assertThat(answer.getEntry()).hasSameSizeAs(sent.bundle.getEntry());
		Map<String, String> ids = new HashMap<>();
		for (int i = 0; i < answer.getEntry().size(); i++) {
			Bundle.BundleEntryResponseComponent response = answer.getEntry().get(i).getResponse();
			assertThat(response.getStatus()).as(sent.bundle.getEntry().get(i).getResource().fhirType()).startsWith("201");
			ids.put(sent.bundle.getEntry().get(i).getFullUrl(),
					new org.hl7.fhir.r4.model.IdType(response.getLocation()).toUnqualifiedVersionless().getValue());
		}
		String request = sent.bundle.getEntry().stream().filter(entry -> entry.getResource() instanceof ServiceRequest)
				.map(entry -> ids.get(entry.getFullUrl())).findFirst().orElseThrow();
		Task task = (Task) json(Bundle.class, as(coordinatorToken(), "GET", "/Task?focus=" + request, null)).getEntryFirstRep().getResource();
		assertThat(task.getOwner().getReference()).as("assigned on structured records alone").startsWith("PractitionerRole/");
		PractitionerRole role = json(PractitionerRole.class, as(coordinatorToken(), "GET", "/" + task.getOwner().getReference(), null));
		return new Export(sent, ids, request, ids.get(records.patient()), role.getIdentifierFirstRep().getValue());
	}

	private String expertRole() {
		Task task = (Task) json(Bundle.class, as(coordinatorToken(), "GET", "/Task?focus=" + export.request(), null)).getEntryFirstRep().getResource();
		return task.getOwner().getReference();
	}

	/** Whether the stored resource is the case patient's record (or the medication that record names). */
	private boolean belongsToCasePatient(String type, String id) {
		return export.sent().recordOf.get(export.sent().patients.keySet().iterator().next()).stream().map(export::id).anyMatch(id::equals);
	}

	private void expectFound(List<String> failures, String who, String token, String search, List<String> expected) {
		HttpResponse<String> answer = as(token, "GET", search, null);
		if (answer.statusCode() != 200) {
			failures.add(who + ": " + search + " answered " + answer.statusCode() + " " + answer.body());
			return;
		}
		Bundle page = json(Bundle.class, answer);
		List<String> found = page.getEntry().stream()
				.map(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
		if (page.hasTotal() && page.getTotal() != found.size()) {
			failures.add(who + ": " + search + " says total " + page.getTotal() + " of " + found.size() + " shown");
		}
		if (!new java.util.HashSet<>(found).equals(new java.util.HashSet<>(expected))) {
			failures.add(who + ": " + search + " found " + found + ", expected " + expected);
		}
	}

	private void expectStatus(List<String> failures, String who, String token, String id, int status) {
		int got = as(token, "GET", "/" + id, null).statusCode();
		if (got != status) {
			failures.add(who + ": " + got + ", expected " + status);
		}
	}

	private static String observationJson(String id, String patient) {
		return "{\"resourceType\":\"Observation\",\"id\":\"" + id.substring(id.indexOf('/') + 1) + "\",\"status\":\"amended\","
				+ "\"code\":{\"text\":\"overwritten\"},\"subject\":{\"reference\":\"" + patient + "\"}}";
	}

	private String ehrToken(String client) {
		return ehrToken(client, EHR_SCOPES);
	}

	private String ehrToken(String client, String scopes) {
		HttpResponse<String> answer = TestTokens.requestToken(origin(), client, TestTokens.sampleClientKey(client), scopes);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return TestTokens.field(answer.body(), "access_token");
	}

	private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T json(Class<T> type, HttpResponse<String> answer) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(type, answer.body());
	}
}

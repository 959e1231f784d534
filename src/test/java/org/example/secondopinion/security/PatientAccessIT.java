package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A patient's token (the sample patient of St Elsewhere, SEG-448213) reaches that patient's own
 * requests, records and opinions, and nothing of another patient: searches are narrowed to the
 * patient, reads of another patient's resources are refused.
 */
class PatientAccessIT extends FhirServerIT {

	private static final String SCOPES = "patient/Patient.r patient/ServiceRequest.rs patient/DocumentReference.rs patient/DiagnosticReport.rs";

	private String token;
	private String ownPatient;
	private String otherPatient;

	@BeforeEach
	void twoPatientsWithCases() throws Exception {
		for (String sample : new String[] {"01-expert-directory.json", "02-sarcoma-request.json", "03-sarcoma-opinion.json", "04-osteosarcoma-request.json"}) {
			String bundle = Files.readString(Path.of("sample-bundles", sample));
			HttpResponse<String> posted = sample.startsWith("01-") ? postDirectory(bundle)
					: sample.startsWith("03-") ? as(expertToken("expert-lindqvist"), "POST", "", bundle)
					: post("", "application/fhir+json", bundle);
			assertThat(posted.statusCode()).as(sample + ": " + posted.body()).isEqualTo(200);
		}
		ownPatient = patient("https://st-elsewhere.example.org/id/patient|SEG-448213");
		otherPatient = patient("https://riverbend-hospital.example.org/id/patient|RCH-90277");
		token = tokenWithSecret("patient-seg-448213", "dev-patient", SCOPES);
	}

	@Test
	void readsItsOwnPatientAndNotAnother() {
		assertThat(get("/" + ownPatient).statusCode()).isEqualTo(200);
		HttpResponse<String> other = get("/" + otherPatient);
		assertThat(other.statusCode()).as("as if it did not exist").isEqualTo(404);
		assertThat(other.body()).contains("OperationOutcome").doesNotContain("RCH-90277");
	}

	@Test
	void searchesFindOnlyItsOwnRequestsRecordsAndOpinions() {
		for (String type : new String[] {"ServiceRequest", "DocumentReference", "DiagnosticReport"}) {
			HttpResponse<String> answer = get("/" + type);
			assertThat(answer.statusCode()).as(type + ": " + answer.body()).isEqualTo(200);
			Bundle found = FHIR.newJsonParser().parseResource(Bundle.class, answer.body());
			assertThat(found.getEntry()).as(type).isNotEmpty();
			assertThat(found.getEntry()).as(type).allSatisfy(entry -> assertThat(subjectOf(entry.getResource())).isEqualTo(ownPatient));
		}
	}

	@Test
	void searchingAnotherPatientsRecordsLeaksNothing() {
		HttpResponse<String> answer = get("/DocumentReference?subject=" + otherPatient);
		if (answer.statusCode() == 200) {
			assertThat(FHIR.newJsonParser().parseResource(Bundle.class, answer.body()).getEntry()).isEmpty();
		} else {
			assertThat(answer.statusCode()).isEqualTo(403);
		}
		assertThat(answer.body()).doesNotContain("RCH-90277", "Riverbend");
	}

	@Test
	void aPatientTokenWritesNothingAndSearchesNoPatients() {
		HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient"))
				.header("Authorization", "Bearer " + token).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\"}")).build());
		assertThat(created.statusCode()).isEqualTo(403);
		assertThat(get("/Patient").statusCode()).isEqualTo(403); // patient/Patient.r: read, no search
	}

	private String patient(String identifier) {
		Bundle found = client().search().byUrl("Patient?identifier=" + identifier).returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		return found.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
	}

	private static String subjectOf(Resource resource) {
		return FHIR.newTerser().getSinglePrimitiveValueOrNull(resource, "subject.reference");
	}

	private HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
				.header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build());
	}
}

package org.example.secondopinion.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

class CaseResourceRecognizerTest {

	private static final String REQUEST_ENTRY = "urn:uuid:8f0c8c5e-2f61-4a55-9d2e-0d3f8c1b7a10";
	private static final Map<String, ServiceRequest> STORED = Map.of(
			"ServiceRequest/1", secondOpinionRequest(),
			"ServiceRequest/2", new ServiceRequest().setCode(new CodeableConcept().setText("Histopathology, excision specimen")),
			REQUEST_ENTRY, secondOpinionRequest());
	private final CaseResourceRecognizer recognizer = new CaseResourceRecognizer(
			new ReferenceTargetTypes(Map.of(REQUEST_ENTRY, "ServiceRequest")),
			reference -> Optional.ofNullable(STORED.get(reference.getReference())));

	private static ServiceRequest secondOpinionRequest() {
		ServiceRequest request = new ServiceRequest();
		request.addCategory(new CodeableConcept(new Coding(SecondOpinionIg.CODES, "second-opinion", null)));
		return request;
	}

	@Test
	void aServiceRequestCodedAsSecondOpinionIsARequest() {
		for (Coding coding : new Coding[] {
				new Coding(SecondOpinionIg.V2_REFERRAL_REASON, "S", null),
				new Coding(SecondOpinionIg.V2_REFERRAL_TYPE, "SO", null),
				new Coding(SecondOpinionIg.CODES, "second-opinion", null)}) {
			ServiceRequest request = new ServiceRequest();
			request.addCategory(new CodeableConcept(coding));
			assertThat(recognizer.profileFor(request)).as(coding.getSystem()).contains(SecondOpinionIg.REQUEST);
		}
	}

	@Test
	void aServiceRequestWithOnlyAFreeTextCodeIsNotRecognised() {
		ServiceRequest request = new ServiceRequest();
		request.getCode().setText("Second opinion");
		assertThat(recognizer.profileFor(request)).isEmpty();
	}

	@Test
	void aRecordRelatedToARequestInTheSameBundleIsARecord() {
		DocumentReference record = new DocumentReference();
		record.getContext().addRelated(new Reference(REQUEST_ENTRY));
		assertThat(recognizer.profileFor(record)).contains(SecondOpinionIg.RECORD);
	}

	@Test
	void aRecordRelatedToAStoredOrConditionallyReferencedRequestIsARecord() {
		DocumentReference stored = new DocumentReference();
		stored.getContext().addRelated(new Reference("ServiceRequest/42"));
		DocumentReference conditional = new DocumentReference();
		conditional.getContext().addRelated(new Reference("ServiceRequest?identifier=https://ehr.example.org|7"));
		assertThat(recognizer.profileFor(stored)).contains(SecondOpinionIg.RECORD);
		assertThat(recognizer.profileFor(conditional)).contains(SecondOpinionIg.RECORD);
	}

	@Test
	void aDocumentWithoutARequestIsNotRecognised() {
		DocumentReference document = new DocumentReference();
		document.getContext().addRelated(new Reference("Encounter/1"));
		assertThat(recognizer.profileFor(document)).isEmpty();
	}

	@Test
	void taskOpinionAndDiscussionAreRecognisedByTheRequestTheyReferTo() {
		Task task = new Task().setFocus(new Reference(REQUEST_ENTRY));
		DiagnosticReport opinion = new DiagnosticReport();
		opinion.addBasedOn(new Reference("ServiceRequest/1"));
		Communication message = new Communication();
		message.addBasedOn(new Reference().setType("ServiceRequest").setIdentifier(new org.hl7.fhir.r4.model.Identifier().setValue("x")));

		assertThat(recognizer.profileFor(task)).contains(SecondOpinionIg.TASK);
		assertThat(recognizer.profileFor(opinion)).contains(SecondOpinionIg.OPINION);
		assertThat(recognizer.profileFor(message)).contains(SecondOpinionIg.COMMUNICATION);
	}

	@Test
	void aHospitalsReportBasedOnItsOwnOrderIsARecordNotAnOpinion() {
		DiagnosticReport pathology = new DiagnosticReport();
		pathology.addBasedOn(new Reference("ServiceRequest/2"));
		DiagnosticReport basedOnNothingKnown = new DiagnosticReport();
		basedOnNothingKnown.addBasedOn(new Reference("ServiceRequest/99"));

		assertThat(recognizer.profileFor(pathology)).isEmpty();
		assertThat(recognizer.profileFor(basedOnNothingKnown)).isEmpty();
	}

	@Test
	void aReportClaimingTheOpinionProfileIsAnOpinionWhateverItIsBasedOn() {
		DiagnosticReport claimed = new DiagnosticReport();
		claimed.getMeta().addProfile(SecondOpinionIg.OPINION);
		claimed.addBasedOn(new Reference("ServiceRequest/2"));
		assertThat(recognizer.profileFor(claimed)).contains(SecondOpinionIg.OPINION);
	}

	@Test
	void anExpertIsAPractitionerRoleCodedExpert() {
		PractitionerRole expert = new PractitionerRole();
		expert.addCode(new CodeableConcept(new Coding(SecondOpinionIg.CODES, "expert", null)));
		PractitionerRole nurse = new PractitionerRole();
		nurse.addCode().setText("Nurse");

		assertThat(recognizer.profileFor(expert)).contains(SecondOpinionIg.EXPERT);
		assertThat(recognizer.profileFor(nurse)).isEmpty();
	}

	@Test
	void otherResourcesAreNotPartOfACase() {
		assertThat(recognizer.profileFor(new Observation())).isEmpty();
	}
}

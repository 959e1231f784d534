package org.example.secondopinion.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.net.http.HttpResponse;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/** Payloads the way other EHRs write them: no meta.profile, XML, updates, mistakes. */
class ValidationOnWriteIT extends FhirServerIT {

	@Test
	void aRequestRecognisedByItsCodeMeetsOurProfileWithoutClaimingIt() {
		ServiceRequest request = secondOpinionRequest(createPatient());
		request.setRequester(null);

		assertThatThrownBy(() -> client().create().resource(request).execute())
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e ->
						assertThat(e.getResponseBody()).contains("ServiceRequest.requester").contains("so-request"));
	}

	@Test
	void aPlainServiceRequestThatIsNoSecondOpinionOnlyMeetsBaseR4() {
		ServiceRequest labOrder = new ServiceRequest()
				.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
				.setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
				.setSubject(new Reference(createPatient()));
		labOrder.getCode().setText("Full blood count");

		assertThat(client().create().resource(labOrder).execute().getCreated()).isTrue();
	}

	@Test
	void anUpdateIsValidatedLikeACreate() {
		ServiceRequest request = secondOpinionRequest(createPatient());
		String id = client().create().resource(request).execute().getId().toUnqualifiedVersionless().getValue();

		ServiceRequest stored = client().read().resource(ServiceRequest.class).withUrl(id).execute();
		stored.getReasonCode().clear();
		stored.getReasonReference().clear();

		assertThatThrownBy(() -> client().update().resource(stored).execute())
				.isInstanceOfSatisfying(UnprocessableEntityException.class, e ->
						assertThat(e.getResponseBody()).contains("so-req-1"));
	}

	@Test
	void xmlPayloadsAreValidatedToo() {
		String patientId = createPatient();
		ServiceRequest request = secondOpinionRequest(patientId);
		request.setSubject(null);
		String xml = FHIR.newXmlParser().encodeResourceToString(request);

		HttpResponse<String> response = post("/ServiceRequest", "application/fhir+xml", xml);

		assertThat(response.statusCode()).isEqualTo(422);
		OperationOutcome outcome = (OperationOutcome) FHIR.newXmlParser().parseResource(response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("ServiceRequest.subject");
	}

	@Test
	void validateOperationRequiresTheProfileTheServerWouldRequireOnWrite() {
		ServiceRequest request = secondOpinionRequest(createPatient());
		request.getReasonCode().clear();

		Parameters parameters = new Parameters();
		parameters.addParameter().setName("resource").setResource(request);
		HttpResponse<String> response = post("/ServiceRequest/$validate", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(parameters));

		assertThat(response.body()).contains("so-req-1");
	}

	@Test
	void aValidRequestPassesTheValidateOperation() {
		ServiceRequest request = secondOpinionRequest(createPatient());
		Parameters parameters = new Parameters();
		parameters.addParameter().setName("resource").setResource(request);

		HttpResponse<String> response = post("/ServiceRequest/$validate", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(parameters));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue()).noneMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
	}

	private String createPatient() {
		Patient patient = new Patient();
		patient.addName().setFamily("Validation");
		return client().create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
	}

	/** A second-opinion request as an EHR that never heard of our profiles would write it. */
	private static ServiceRequest secondOpinionRequest(String patientId) {
		ServiceRequest request = new ServiceRequest()
				.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
				.setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
				.setSubject(new Reference(patientId))
				.setRequester(new Reference().setDisplay("Dr Referrer"));
		request.addIdentifier().setSystem("https://some-ehr.example.org/order").setValue(java.util.UUID.randomUUID().toString());
		request.addCategory(new CodeableConcept(new Coding(SecondOpinionIg.V2_REFERRAL_REASON, "S", "Second Opinion")));
		request.addReasonCode().setText("Soft tissue mass of thigh, excised as lipoma");
		return request;
	}
}

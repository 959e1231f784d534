package org.example.secondopinion.cases;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.util.UrlUtil;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;

/** The steps of a case as an EHR, the coordinator and an expert take them over HTTP, for the case tests. */
public abstract class CaseSteps extends FhirServerIT {

	protected static final String EXPERTS = "https://second-opinion.example.org/fhir/id/expert";
	protected static final String SO_CODES = "https://second-opinion.example.org/fhir/CodeSystem/so-codes";

	@BeforeEach
	void loadExpertDirectory() {
		assertThat(postDirectory(sampleFile("01-expert-directory.json")).statusCode()).isEqualTo(200);
	}

	/** The expert's question to the referrer (category so-codes#question). */
	protected static Communication question(ServiceRequest request, String expert, String text) {
		Communication question = message(request, expert, request.getRequester().getReference(), text);
		question.addCategory().addCoding().setSystem(SO_CODES).setCode("question");
		return question;
	}

	protected static Communication message(ServiceRequest request, String sender, String recipient, String text) {
		Communication message = new Communication();
		message.setStatus(Communication.CommunicationStatus.COMPLETED);
		message.addBasedOn(new Reference(request.getIdElement().toUnqualifiedVersionless().getValue()));
		message.setSubject(request.getSubject());
		message.setSender(new Reference(sender));
		message.addRecipient(new Reference(recipient));
		message.setSent(new java.util.Date());
		message.addPayload().setContent(new org.hl7.fhir.r4.model.StringType(text));
		return message;
	}

	protected String sampleFile(String name) {
		return org.example.secondopinion.samples.SampleBundles.read(
				org.example.secondopinion.samples.SampleBundles.FOLDER.resolve(name));
	}

	protected HttpResponse<String> postBundle(String bundle) {
		return post("", "application/fhir+json", bundle);
	}

	/** Posts a bundle as the expert would (opinions, questions): only the assigned expert writes a case's opinion. */
	protected HttpResponse<String> postBundleAs(String expert, String bundle) {
		return as(expertToken(expert), "POST", "", bundle);
	}

	protected HttpResponse<String> put(String path, String body) {
		return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
				.header("Content-Type", "application/fhir+json")
				.PUT(HttpRequest.BodyPublishers.ofString(body))
				.build());
	}

	protected ServiceRequest request(SampleCase sample) {
		Bundle found = client().search()
				.byUrl("ServiceRequest?identifier=" + UrlUtil.escapeUrlParam(sample.orderSystem() + "|"))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		return (ServiceRequest) found.getEntryFirstRep().getResource();
	}

	protected Task task(ServiceRequest request) {
		Bundle found = client().search()
				.byUrl("Task?focus=" + request.getIdElement().toUnqualifiedVersionless().getValue())
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).as("one Task per case").hasSize(1);
		return (Task) found.getEntryFirstRep().getResource();
	}

	protected Parameters completeness(ServiceRequest request) {
		return client().operation().onInstance(request.getIdElement().toUnqualifiedVersionless())
				.named("$completeness").withNoParameters(Parameters.class).useHttpGet().execute();
	}

	protected String expertReference(String identifier) {
		Bundle found = client().search()
				.byUrl("PractitionerRole?identifier=" + UrlUtil.escapeUrlParam(EXPERTS + "|" + identifier))
				.returnBundle(Bundle.class).execute();
		return ((PractitionerRole) found.getEntryFirstRep().getResource()).getIdElement().toUnqualifiedVersionless().getValue();
	}

	protected static String businessStatus(Task task) {
		return task.getBusinessStatus().getCodingFirstRep().getCode();
	}
}

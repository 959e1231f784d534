package org.example.secondopinion.benchmark;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * A second-opinion case as an EHR that knows nothing of our profiles writes it, the shape the shared
 * {@code load-cases} tool posts: patient, referrer, organisation, original diagnosis, four records
 * (one a pathology report, so the case is complete and an expert is assigned), request and Task, all
 * plain R4 in one transaction, with unique identifiers. Unlike load-cases, the request carries the HL7 v2
 * referral type "second opinion", so the server runs its workflow on it and the Task gets an expert. The benchmark stores thousands of them before
 * it times the worklist.
 */
public final class PlainCase {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final List<String[]> RECORDS = List.of(
			new String[] {"11526-1", "Pathology study"},
			new String[] {"18748-4", "Diagnostic imaging study"},
			new String[] {"11504-8", "Surgical operation note"},
			new String[] {"18842-5", "Discharge summary"});

	public static String bundle(int number) {
		Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Patient patient = new Patient();
		patient.addIdentifier().setSystem("urn:benchmark:patient").setValue(UUID.randomUUID().toString());
		patient.addName().setFamily("Case" + number).addGiven("Plain");
		patient.setGender(AdministrativeGender.FEMALE);
		Reference subject = add(bundle, patient);
		Reference referrer = add(bundle, new Practitioner().addName(new HumanName().setFamily("Referrer")));
		add(bundle, new Organization().setName("Referring Hospital"));
		Reference diagnosis = add(bundle, new Condition().setSubject(subject)
				.setCode(new CodeableConcept().setText("Soft tissue mass of thigh")));
		ServiceRequest request = new ServiceRequest()
				.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
				.setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
				.setCode(new CodeableConcept().setText("Second opinion"))
				// HL7 v2 table 0282 (referral type) "SO": how the server tells a second-opinion request without our codes
				.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0282", "SO", "Second Opinion")))
				.setSubject(subject)
				.setRequester(referrer)
				.addReasonReference(diagnosis);
		request.addIdentifier().setSystem("urn:benchmark:order").setValue(UUID.randomUUID().toString());
		byte[] text = ("Report " + number + ": " + "x".repeat(1500)).getBytes(StandardCharsets.UTF_8);
		for (String[] record : RECORDS) {
			DocumentReference document = new DocumentReference()
					.setStatus(DocumentReferenceStatus.CURRENT)
					.setSubject(subject)
					.setType(new CodeableConcept(new Coding("http://loinc.org", record[0], record[1])));
			document.addContent().setAttachment(new Attachment().setContentType("text/plain").setData(text).setTitle(record[1]));
			request.addSupportingInfo(add(bundle, document));
		}
		Reference focus = add(bundle, request);
		add(bundle, new Task()
				.setStatus(Task.TaskStatus.REQUESTED)
				.setIntent(Task.TaskIntent.ORDER)
				.setFocus(focus)
				.setFor(subject)
				.setRequester(referrer));
		return FHIR.newJsonParser().encodeResourceToString(bundle);
	}

	/** Adds a POST entry with a fresh urn:uuid and answers a reference to it. */
	private static Reference add(Bundle bundle, Resource resource) {
		String fullUrl = "urn:uuid:" + UUID.randomUUID();
		bundle.addEntry().setFullUrl(fullUrl).setResource(resource)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
		return new Reference(fullUrl);
	}

	private PlainCase() {}
}

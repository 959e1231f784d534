package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.samples.SampleBundles;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * Two referred cases for the access tests: case A from St Elsewhere (assigned by matching to Dr Lindqvist)
 * and case B from Riverbend (assigned to another expert), with the sample clients' real tokens.
 */
final class TwoOrganisations {

	static final String EHR_SCOPES = "system/Patient.cruds system/Practitioner.cruds system/PractitionerRole.cruds "
			+ "system/Organization.cruds system/Condition.cruds system/DocumentReference.cruds system/Binary.cr "
			+ "system/ServiceRequest.cruds system/Task.cruds system/Communication.cruds system/DiagnosticReport.cruds system/Procedure.cruds system/Specimen.cruds system/Observation.cruds system/ImagingStudy.cruds "
			+ "system/Subscription.cruds";
	static final String EXPERT_SCOPES = "user/ServiceRequest.rs user/Task.rus user/Patient.rs user/Condition.rs "
			+ "user/DocumentReference.rs user/Binary.r user/Communication.crs user/DiagnosticReport.crus user/Procedure.rs user/Specimen.rs user/Observation.rs user/ImagingStudy.rs "
			+ "user/Practitioner.rs user/PractitionerRole.rs user/Organization.rs";
	static final String COORDINATOR_SCOPES = "user/*.rs user/ServiceRequest.u user/Task.u";

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/**
	 * One case as the tests address it.
	 *
	 * @param marker    a string found in every resource of the case (its identifiers' host) and nowhere else
	 * @param resources the case's resources by type: the first of each type, e.g. {@code Patient -> Patient/12}
	 * @param label     the organisation label every resource of the case carries
	 */
	record Case(String marker, String label, Map<String, String> resources, List<String> all) {
		String id(String type) {
			return resources.get(type);
		}
	}

	final Case a;
	final Case b;
	final Map<String, String> tokens = new LinkedHashMap<>();

	/**
	 * @param as     sends a request with a token: (token, method, path, body)
	 * @param tokens how a role's token is had: client id → token
	 */
	TwoOrganisations(Sender as, Function<String, String> ehrToken, BiFunction<String, String, String> secretToken) {
		tokens.put("st-elsewhere-ehr", ehrToken.apply("st-elsewhere-ehr"));
		tokens.put("riverbend-ehr", ehrToken.apply("riverbend-ehr"));
		tokens.put("expert-lindqvist", secretToken.apply("expert-lindqvist", EXPERT_SCOPES));
		tokens.put("coordinator", secretToken.apply("coordinator", COORDINATOR_SCOPES));
		String directory = SampleBundles.read(SampleBundles.FOLDER.resolve("01-expert-directory.json"));
		String coordinatorWithDirectory = secretToken.apply("coordinator",
				"user/*.rs user/Organization.cru user/Practitioner.cru user/PractitionerRole.cru");
		assertThat(as.send(coordinatorWithDirectory, "POST", "", directory).statusCode()).isEqualTo(200);
		a = submit(as, new SampleCase("st-elsewhere.example.org"), "02-sarcoma-request.json", "st-elsewhere-ehr",
				"https://st-elsewhere.example.org/id/organization|st-elsewhere");
		b = submit(as, new SampleCase("riverbend-hospital.example.org"), "04-osteosarcoma-request.json", "riverbend-ehr",
				"https://riverbend-hospital.example.org/id/organization|riverbend");
	}

	@FunctionalInterface
	interface Sender {
		HttpResponse<String> send(String token, String method, String path, String body);
	}

	private Case submit(Sender as, SampleCase sample, String file, String ehr, String label) {
		HttpResponse<String> posted = as.send(tokens.get(ehr), "POST", "", sample.file(file));
		assertThat(posted.statusCode()).as(file + ": " + posted.body()).isEqualTo(200);
		String coordinator = tokens.get("coordinator");
		String system = sample.orderSystem();
		ServiceRequest request = (ServiceRequest) bundle(as.send(coordinator, "GET", "/ServiceRequest?identifier=" + system + "|", null))
				.getEntryFirstRep().getResource();
		String requestId = request.getIdElement().toUnqualifiedVersionless().getValue();
		String patient = request.getSubject().getReference();
		Map<String, String> resources = new LinkedHashMap<>();
		List<String> all = new ArrayList<>();
		resources.put("ServiceRequest", requestId);
		resources.put("Patient", patient);
		all.add(requestId);
		all.add(patient);
		for (String search : List.of("/DocumentReference?patient=" + patient, "/Condition?patient=" + patient, "/Task?focus=" + requestId)) {
			for (Bundle.BundleEntryComponent entry : bundle(as.send(coordinator, "GET", search, null)).getEntry()) {
				IBaseResource found = entry.getResource();
				String id = found.getIdElement().toUnqualifiedVersionless().getValue();
				resources.putIfAbsent(found.fhirType(), id);
				all.add(id);
			}
		}
		assertThat(resources).containsKeys("Patient", "ServiceRequest", "DocumentReference", "Condition", "Task");
		String marker = system.substring("https://".length(), system.indexOf("/id/"));
		return new Case(marker, label, resources, all);
	}

	/** The client id of the expert who owns the case's Task (the sample experts' ids are their identifiers). */
	String ownerOf(Sender as, Case target) {
		String coordinator = tokens.get("coordinator");
		Task task = FHIR.newJsonParser().parseResource(Task.class, as.send(coordinator, "GET", "/" + target.id("Task"), null).body());
		String role = as.send(coordinator, "GET", "/" + task.getOwner().getReference(), null).body();
		return FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.PractitionerRole.class, role)
				.getIdentifierFirstRep().getValue();
	}

	static Bundle bundle(HttpResponse<String> answer) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, answer.body());
	}
}

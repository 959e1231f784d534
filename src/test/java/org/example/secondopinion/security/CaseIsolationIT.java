package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.notify.NotificationReceiver;
import org.example.secondopinion.notify.TestSubscriptions;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access matrix: each role (an EHR, an expert, a coordinator) × each interaction × its own case and
 * another organisation's, over HTTP with the sample clients' real tokens. Case A is referred by St
 * Elsewhere and assigned to Dr Lindqvist; case B by Riverbend and assigned to Dr Osei. In every cell the
 * answer is the expected status, and nothing of a case the caller may not reach is in any answer, nor
 * stored by a refused write. A case out of reach does not exist for the caller: reads answer 404, searches
 * find nothing, and writes referring to it are answered as references to a missing resource. (The generated
 * matrix over every interaction: {@link AccessMatrixIT}; patients: {@link PatientAccessIT}.)
 */
class CaseIsolationIT extends FhirServerIT {

	private static final String EHR_SCOPES = "system/Patient.cruds system/Practitioner.cruds system/PractitionerRole.cruds "
			+ "system/Organization.cruds system/Condition.cruds system/DocumentReference.cruds system/Binary.cr "
			+ "system/ServiceRequest.cruds system/Task.cruds system/Communication.cruds system/DiagnosticReport.cruds system/Procedure.cruds system/Specimen.cruds system/Observation.cruds system/ImagingStudy.cruds system/Subscription.cruds";
	private static final String EXPERT_SCOPES = "user/ServiceRequest.rs user/Task.rus user/Patient.rs user/Condition.rs "
			+ "user/DocumentReference.rs user/Binary.r user/Communication.crs user/DiagnosticReport.crus user/Procedure.rs user/Specimen.rs user/Observation.rs user/ImagingStudy.rs "
			+ "user/Practitioner.rs user/PractitionerRole.rs user/Organization.rs";
	private static final String COORDINATOR_SCOPES = "user/*.rs user/ServiceRequest.u user/Task.u";

	/** One referred case as the tests address it. */
	record Case(String marker, String patient, String patientIdentifier, String request, String requestIdentifier,
			String record, String requester) {}

	enum Expect { ALLOWED, REFUSED }

	@org.springframework.beans.factory.annotation.Autowired
	private ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry registry;

	private static Case caseA;
	private static Case caseB;
	private static Map<String, String> tokens;

	@BeforeEach
	void twoOrganisationsWithACaseEach() {
		if (caseA != null) {
			return;
		}
		assertThat(postDirectory(org.example.secondopinion.samples.SampleBundles.read(
				org.example.secondopinion.samples.SampleBundles.FOLDER.resolve("01-expert-directory.json"))).statusCode()).isEqualTo(200);
		tokens = Map.of(
				"st-elsewhere-ehr", ehrToken("st-elsewhere-ehr"),
				"riverbend-ehr", ehrToken("riverbend-ehr"),
				"expert-lindqvist", tokenWithSecret("expert-lindqvist", "dev-expert-lindqvist", EXPERT_SCOPES),
				"coordinator", tokenWithSecret("coordinator", "dev-coordinator", COORDINATOR_SCOPES));
		caseA = submit(new SampleCase("st-elsewhere.example.org"), "02-sarcoma-request.json", "st-elsewhere-ehr");
		caseB = submit(new SampleCase("riverbend-hospital.example.org"), "04-osteosarcoma-request.json", "riverbend-ehr");
		assertThat(ownerOf(caseA)).as("case A's expert").isEqualTo("expert-lindqvist");
		assertThat(ownerOf(caseB)).as("case B's expert").isNotEqualTo("expert-lindqvist");
	}

	@Test
	void anEhrReachesItsOwnCasesAndNothingOfAnotherOrganisations() {
		List<String> failures = new ArrayList<>();
		String ehr = tokens.get("st-elsewhere-ehr");
		run(failures, "EHR", ehr, caseA, caseB, Expect.ALLOWED, "DocumentReference", everyInteraction(Expect.ALLOWED, Expect.ALLOWED, Expect.ALLOWED));
		run(failures, "EHR", ehr, caseB, caseA, Expect.REFUSED, "DocumentReference", everyInteraction(Expect.REFUSED, Expect.REFUSED, Expect.REFUSED));
		assertThat(failures).isEmpty();
	}

	@Test
	void anExpertReachesTheCasesAssignedToThemAndNoOther() {
		List<String> failures = new ArrayList<>();
		String expert = tokens.get("expert-lindqvist");
		run(failures, "expert", expert, caseA, caseB, Expect.ALLOWED, "Communication", everyInteraction(Expect.ALLOWED, Expect.ALLOWED, Expect.REFUSED));
		run(failures, "expert", expert, caseB, caseA, Expect.REFUSED, "Communication", everyInteraction(Expect.REFUSED, Expect.REFUSED, Expect.REFUSED));
		assertThat(failures).isEmpty();
	}

	@Test
	void aCoordinatorSeesEveryCaseAndWritesOnlyWhatTheirScopesAllow() {
		List<String> failures = new ArrayList<>();
		String coordinator = tokens.get("coordinator");
		for (Case target : List.of(caseA, caseB)) {
			// no scope to add records or messages; allowed to update requests (e.g. to triage them)
			Map<String, Expect> cells = everyInteraction(Expect.ALLOWED, Expect.REFUSED, Expect.ALLOWED);
			run(failures, "coordinator", coordinator, target, null, Expect.ALLOWED, "DocumentReference", cells);
		}
		assertThat(failures).isEmpty();
	}

	@Test
	void anEhrCannotFileARecordUnderAnotherOrganisationsPatientInAnyForm() {
		String ehr = tokens.get("st-elsewhere-ehr");
		for (String subject : List.of(caseB.patient(), "Patient?identifier=" + caseB.patientIdentifier())) {
			String identifier = "isolation-" + UUID.randomUUID();
			HttpResponse<String> answer = as(ehr, "POST", "", transaction(record(identifier, subject, caseA.request(), caseA.requester())));
			// the other organisation's patient does not exist for the EHR: refused as a reference to a missing patient
			assertThat(answer.statusCode()).as(subject + ": " + answer.body()).isBetween(400, 412);
			// HAPI echoes a conditional reference it cannot match: the caller's own input, not the other case's data
			assertThat(answer.body().replace(subject, "")).contains("OperationOutcome").doesNotContain(caseB.marker());
			assertThat(stored("DocumentReference", identifier)).as("nothing stored").isZero();
		}
	}

	@Test
	void anExpertCannotWidenTheirOwnCasesOrMixOrganisations() {
		String expert = tokens.get("expert-lindqvist");
		Task task = (Task) bundle(as(expert, "GET", "/Task?focus=" + caseA.request(), null)).getEntryFirstRep().getResource();
		task.getMeta().getSecurity().clear();
		task.addBasedOn(new org.hl7.fhir.r4.model.Reference(caseB.request()));
		HttpResponse<String> repointed = as(expert, "PUT", "/Task/" + task.getIdElement().getIdPart(),
				FHIR.newJsonParser().encodeResourceToString(task));
		assertThat(repointed.statusCode()).as(repointed.body()).isEqualTo(403);
		assertThat(repointed.body()).contains("[expert-keeps-task-links]");
		assertThat(as(expert, "GET", "/" + caseB.request(), null).statusCode()).isEqualTo(404);

		String identifier = "isolation-" + UUID.randomUUID();
		HttpResponse<String> mixed = as(expert, "POST", "",
				transaction(written("Communication", identifier, caseB.patient(), caseA.request(), caseA.requester())));
		assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(400);
		assertThat(mixed.body()).contains("Resource " + caseB.patient() + " not found").doesNotContain(caseB.marker());
		assertThat(stored("Communication", identifier)).isZero();
	}

	@Test
	void anExpertLearnsNothingOfAnotherExpertsCaseOfTheSameHospital() {
		Case other = submit(new SampleCase("st-elsewhere.example.org"), "02-sarcoma-request.json", "st-elsewhere-ehr");
		String osei = bundle(as(tokens.get("coordinator"), "GET",
				"/PractitionerRole?identifier=https://second-opinion.example.org/fhir/id/expert|expert-osei", null))
				.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
		HttpResponse<String> assigned = as(tokens.get("coordinator"), "POST", "/" + other.request() + "/$assign",
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"expert\",\"valueReference\":{\"reference\":\"" + osei + "\"}}]}");
		assertThat(assigned.statusCode()).as(assigned.body()).isEqualTo(200);
		String expert = tokens.get("expert-lindqvist");

		assertThat(as(expert, "GET", "/" + other.request(), null).statusCode()).isEqualTo(404);
		// a conditional create whose match would be the other case's: no count, no id, answered as for nothing
		for (String target : List.of(other.request(), "ServiceRequest/987654321")) {
			HttpResponse<String> probe = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/Communication"))
					.header("Authorization", "Bearer " + expert).header("Content-Type", "application/fhir+json")
					.header("If-None-Exist", "based-on=" + target)
					.POST(java.net.http.HttpRequest.BodyPublishers.ofString(written("Communication", "isolation-" + UUID.randomUUID(),
							caseA.patient(), target, caseA.requester()))).build());
			assertThat(probe.statusCode()).as(target + ": " + probe.body()).isEqualTo(400);
			assertThat(probe.headers().firstValue("Location")).isEmpty();
			assertThat(probe.body()).contains("Resource " + target + " not found").doesNotContain(other.marker());
		}
	}

	@Test
	void aReferenceToAnotherOrganisationsDeletedRecordIsAnsweredAsOneToAMissingRecord() {
		String identifier = "isolation-" + UUID.randomUUID();
		String riverbend = tokens.get("riverbend-ehr");
		assertThat(as(riverbend, "POST", "", transaction(record(identifier, caseB.patient(), caseB.request(), caseB.requester())))
				.statusCode()).isEqualTo(200);
		String deleted = documentId(riverbend, identifier);
		HttpResponse<String> deletion = as(riverbend, "DELETE", "/" + deleted, null);
		assertThat(deletion.statusCode()).as(deletion.body()).isBetween(200, 204);

		List<String> answers = new ArrayList<>();
		for (String target : List.of(deleted, "DocumentReference/987654321")) {
			String message = "{\"resourceType\":\"Communication\",\"status\":\"completed\",\"basedOn\":[{\"reference\":\""
					+ target + "\"}],\"subject\":{\"reference\":\"" + caseA.patient() + "\"}}";
			HttpResponse<String> answer = as(tokens.get("st-elsewhere-ehr"), "POST", "/Communication", message);
			answers.add(answer.statusCode() + " " + answer.body().replace(target, "<target>"));
		}
		assertThat(answers.get(0)).startsWith("400").isEqualTo(answers.get(1));
		assertThat(as(tokens.get("st-elsewhere-ehr"), "GET", "/" + deleted, null).statusCode()).isEqualTo(404);
	}

	@Test
	void aSubscriptionCannotAskAboutOtherCasesNorCarryTheResultsOfAnotherSearch() {
		String ehr = tokens.get("st-elsewhere-ehr");
		String reverseChain = "{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"probe\","
				+ "\"criteria\":\"Organization?_has:Patient:organization:family=Holt\","
				+ "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"https://ehr.st-elsewhere.example.org/hook\",\"payload\":\"application/fhir+json\"}}";
		HttpResponse<String> asked = as(ehr, "POST", "/Subscription", reverseChain);
		assertThat(asked.statusCode()).as(asked.body()).isEqualTo(403);
		assertThat(asked.body()).contains("[search-no-reverse-chain]");

		String payloadSearch = "{\"resourceType\":\"Subscription\",\"status\":\"requested\",\"reason\":\"probe\","
				+ "\"criteria\":\"" + caseA.patient().replace("/", "?_id=") + "\",\"extension\":[{\"url\":"
				+ "\"http://hapifhir.io/fhir/StructureDefinition/subscription-payload-search-criteria\",\"valueString\":\"Patient?_include=*\"}],"
				+ "\"channel\":{\"type\":\"rest-hook\",\"endpoint\":\"https://ehr.st-elsewhere.example.org/hook\",\"payload\":\"application/fhir+json\"}}";
		HttpResponse<String> carried = as(ehr, "POST", "/Subscription", payloadSearch);
		assertThat(carried.statusCode()).as(carried.body()).isEqualTo(422);
		assertThat(carried.body()).contains("subscription-payload-search-criteria");
	}

	@Test
	void anEhrAddsToTheDirectoryButCannotChangeIt() {
		String ehr = tokens.get("st-elsewhere-ehr");
		String roles = as(tokens.get("coordinator"), "GET",
				"/PractitionerRole?identifier=https://second-opinion.example.org/fhir/id/expert|expert-osei", null).body();
		org.hl7.fhir.r4.model.PractitionerRole role = (org.hl7.fhir.r4.model.PractitionerRole)
				FHIR.newJsonParser().parseResource(Bundle.class, roles).getEntryFirstRep().getResource();
		role.getIdentifierFirstRep().setValue("expert-lindqvist");
		HttpResponse<String> changed = as(ehr, "PUT", "/PractitionerRole/" + role.getIdElement().getIdPart(),
				FHIR.newJsonParser().encodeResourceToString(role));
		assertThat(changed.statusCode()).as(changed.body()).isEqualTo(403);
		assertThat(as(ehr, "DELETE", "/PractitionerRole/" + role.getIdElement().getIdPart(), null).statusCode()).isEqualTo(403);
		assertThat(as(ehr, "POST", "/Practitioner", "{\"resourceType\":\"Practitioner\",\"name\":[{\"family\":\"Referrer\"}]}")
				.statusCode()).isEqualTo(201);
		// an EHR cannot list an expert of its own: matching would give it other hospitals' cases
		role.setId((String) null);
		role.getIdentifierFirstRep().setValue("expert-" + UUID.randomUUID());
		HttpResponse<String> expert = as(ehr, "POST", "/PractitionerRole", FHIR.newJsonParser().encodeResourceToString(role));
		assertThat(expert.statusCode()).as(expert.body()).isEqualTo(403);
		assertThat(expert.body()).contains("[experts-listed-by-centre]");
	}

	@Test
	void twoHospitalsUsingTheSameIdentifierKeepTwoPatients() {
		String identifier = "https://shared-mpi.example.org/id/patient|" + UUID.randomUUID();
		String[] parts = identifier.split("\\|");
		String patient = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + parts[0] + "\",\"value\":\"" + parts[1] + "\"}]}";
		for (String ehr : List.of("st-elsewhere-ehr", "riverbend-ehr")) {
			String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + patient
					+ ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=" + identifier + "\"}}]}";
			HttpResponse<String> answer = as(tokens.get(ehr), "POST", "", bundle);
			assertThat(answer.statusCode()).as(ehr + ": " + answer.body()).isEqualTo(200);
			assertThat(answer.body()).as(ehr).contains("201 Created");
		}
		assertThat(stored("Patient", identifier)).isEqualTo(2);
	}

	@Test
	void twoHospitalsConditionallyCreatingTheSameIdentifierOverRestKeepTwoPatients() {
		String identifier = "https://shared-mpi.example.org/id/patient|" + UUID.randomUUID();
		String[] parts = identifier.split("\\|");
		String patient = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + parts[0] + "\",\"value\":\"" + parts[1] + "\"}]}";
		for (String ehr : List.of("st-elsewhere-ehr", "riverbend-ehr")) {
			HttpResponse<String> answer = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/Patient"))
					.header("Authorization", "Bearer " + tokens.get(ehr)).header("Content-Type", "application/fhir+json")
					.header("If-None-Exist", "identifier=" + identifier.replace("|", "%7C"))
					.POST(java.net.http.HttpRequest.BodyPublishers.ofString(patient)).build());
			assertThat(answer.statusCode()).as(ehr + ": " + answer.body()).isEqualTo(201);
		}
		assertThat(stored("Patient", identifier)).isEqualTo(2);
	}

	@Test
	void anEhrsSubscriptionHearsOnlyOfItsOwnCases() {
		try (NotificationReceiver receiver = NotificationReceiver.start()) {
			String ehrA = tokens.get("st-elsewhere-ehr");
			HttpResponse<String> created = as(ehrA, "POST", "/Subscription", FHIR.newJsonParser().encodeResourceToString(
					TestSubscriptions.criteria("DocumentReference?type=http://loinc.org|11526-1", receiver.url("/st-elsewhere"))));
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			String subscription = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Subscription.class, created.body())
					.getIdElement().toUnqualifiedVersionless().getValue();
			TestSubscriptions.awaitRegistered(registry, subscription, java.time.Duration.ofSeconds(30), "subscription active");
			assertThat(as(ehrA, "GET", "/" + subscription, null).statusCode()).isEqualTo(200);
			assertThat(as(tokens.get("riverbend-ehr"), "GET", "/" + subscription, null).statusCode())
					.as("another EHR's subscription").isEqualTo(404);

			String other = "isolation-" + UUID.randomUUID();
			String own = "isolation-" + UUID.randomUUID();
			assertThat(as(tokens.get("riverbend-ehr"), "POST", "", transaction(record(other, caseB.patient(), caseB.request(),
					caseB.requester()))).statusCode()).isEqualTo(200);
			assertThat(as(ehrA, "POST", "", transaction(record(own, caseA.patient(), caseA.request(), caseA.requester())))
					.statusCode()).isEqualTo(200);

			// HAPI puts a full resource to the endpoint + /DocumentReference/[id]
			String path = "/st-elsewhere/" + documentId(ehrA, own);
			receiver.awaitReceived(path, received -> !received.isEmpty(), java.time.Duration.ofSeconds(30));
			NotificationReceiver.pause(java.time.Duration.ofSeconds(2));
			assertThat(receiver.received(path)).allMatch(r -> r.body().contains(own));
			assertThat(receiver.received("/st-elsewhere/" + documentId(tokens.get("riverbend-ehr"), other)))
					.as("Riverbend's record").isEmpty();
		}
	}

	private String documentId(String token, String identifier) {
		return bundle(as(token, "GET", "/DocumentReference?identifier=https://isolation.example.org/id|" + identifier, null))
				.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
	}

	/** Interaction → expected answer when the target is within the caller's reach: as its scopes allow. */
	private static Map<String, Expect> everyInteraction(Expect reads, Expect adds, Expect update) {
		Map<String, Expect> cells = new java.util.LinkedHashMap<>();
		for (String read : List.of("read Patient", "read ServiceRequest", "read DocumentReference", "search records of the patient",
				"search request _include subject", "search patient _revinclude records", "search Task of the request",
				"$case", "request history", "$everything")) {
			cells.put(read, reads);
		}
		cells.put("add to the case (references by id)", adds);
		cells.put("add to the case (conditional references)", adds);
		cells.put("update the request", update);
		return cells;
	}

	/**
	 * Runs every interaction against {@code target}; {@code allowed} says whether the target is within
	 * reach at all (a cell's own expectation applies only then). {@code foreign}, if given, is a case whose
	 * marker must appear in no answer.
	 */
	private void run(List<String> failures, String role, String token, Case target, Case foreign, Expect reach,
			String writtenType, Map<String, Expect> cells) {
		Map<String, Function<String, HttpResponse<String>>> interactions = interactions(token, target, writtenType);
		cells.forEach((name, own) -> {
			Expect expected = reach == Expect.REFUSED ? Expect.REFUSED : own;
			String identifier = "isolation-" + UUID.randomUUID();
			HttpResponse<String> answer = interactions.get(name).apply(identifier);
			// HAPI echoes a conditional reference it cannot match: the caller's own input, not the case's data
			String shown = answer.body().replace(target.patientIdentifier(), "").replace(target.requestIdentifier(), "");
			String cell = role + " × " + name + " × " + (reach == Expect.ALLOWED ? "reachable" : "unreachable") + " case";
			boolean search = name.startsWith("search");
			boolean write = name.startsWith("add") || name.startsWith("update");
			if (expected == Expect.ALLOWED) {
				if (answer.statusCode() / 100 != 2) {
					failures.add(cell + ": expected 2xx, got " + answer.statusCode() + " " + answer.body());
				} else if (!write && !answer.body().contains(target.marker()) && !answer.body().contains(target.patient())) {
					failures.add(cell + ": the answer does not show the case");
				}
			} else {
				boolean notFound = answer.statusCode() == 404 || (write && answer.statusCode() / 100 == 4);
				boolean refusedOrEmpty = answer.statusCode() == 403 || notFound
						|| (search && answer.statusCode() == 200 && total(answer) == 0);
				if (!refusedOrEmpty) {
					failures.add(cell + ": expected 403 or 404" + (search ? " or nothing found" : "") + ", got " + answer.statusCode() + " " + answer.body());
				}
				if (!answer.body().contains("OperationOutcome") && !search) {
					failures.add(cell + ": no OperationOutcome");
				}
				if (reach == Expect.REFUSED && shown.contains(target.marker())) {
					failures.add(cell + ": the answer shows the unreachable case");
				}
			}
			if (foreign != null && shown.contains(foreign.marker())) {
				failures.add(cell + ": the answer shows another organisation's case");
			}
			if (name.startsWith("add")) {
				int stored = stored(writtenType, identifier);
				if (stored != (expected == Expect.ALLOWED ? 1 : 0)) {
					failures.add(cell + ": " + stored + " " + writtenType + " stored");
				}
			}
		});
	}

	private Map<String, Function<String, HttpResponse<String>>> interactions(String token, Case target, String writtenType) {
		Map<String, Function<String, HttpResponse<String>>> interactions = new java.util.HashMap<>();
		interactions.put("read Patient", id -> as(token, "GET", "/" + target.patient(), null));
		interactions.put("read ServiceRequest", id -> as(token, "GET", "/" + target.request(), null));
		interactions.put("read DocumentReference", id -> as(token, "GET", "/" + target.record(), null));
		interactions.put("search records of the patient", id -> as(token, "GET", "/DocumentReference?patient=" + target.patient(), null));
		interactions.put("search request _include subject", id -> as(token, "GET",
				"/ServiceRequest?_id=" + idPart(target.request()) + "&_include=ServiceRequest:subject", null));
		interactions.put("search patient _revinclude records", id -> as(token, "GET",
				"/Patient?_id=" + idPart(target.patient()) + "&_revinclude=DocumentReference:subject", null));
		interactions.put("search Task of the request", id -> as(token, "GET", "/Task?focus=" + target.request(), null));
		interactions.put("$case", id -> as(token, "GET", "/" + target.request() + "/$case", null));
		interactions.put("request history", id -> as(token, "GET", "/" + target.request() + "/_history", null));
		interactions.put("$everything", id -> as(token, "GET", "/" + target.patient() + "/$everything", null));
		interactions.put("add to the case (references by id)", id -> as(token, "POST", "",
				transaction(written(writtenType, id, target.patient(), target.request(), target.requester()))));
		interactions.put("add to the case (conditional references)", id -> as(token, "POST", "",
				transaction(written(writtenType, id, "Patient?identifier=" + target.patientIdentifier(),
						"ServiceRequest?identifier=" + target.requestIdentifier(), target.requester()))));
		interactions.put("update the request", id -> {
			ServiceRequest request = FHIR.newJsonParser().parseResource(ServiceRequest.class,
					as(tokens.get("coordinator"), "GET", "/" + target.request(), null).body());
			request.getMeta().getSecurity().clear();
			request.addNote().setText("Checked " + id);
			return as(token, "PUT", "/" + target.request(), FHIR.newJsonParser().encodeResourceToString(request));
		});
		return interactions;
	}

	private static String written(String type, String identifier, String subject, String request, String requester) {
		return "DocumentReference".equals(type) ? record(identifier, subject, request, requester)
				: "{\"resourceType\":\"Communication\",\"identifier\":[{\"system\":\"https://isolation.example.org/id\",\"value\":\""
						+ identifier + "\"}],\"basedOn\":[{\"reference\":\"" + request + "\"}],\"status\":\"completed\","
						+ "\"category\":[{\"coding\":[{\"system\":\"https://second-opinion.example.org/fhir/CodeSystem/so-codes\",\"code\":\"question\"}]}],"
						+ "\"subject\":{\"reference\":\"" + subject + "\"},\"sent\":\"2026-08-26T09:15:00+02:00\","
						+ "\"sender\":{\"reference\":\"PractitionerRole?identifier=https://second-opinion.example.org/fhir/id/expert|expert-lindqvist\"},"
						+ "\"recipient\":[{\"reference\":\"" + requester + "\"}],"
						+ "\"payload\":[{\"contentString\":\"Was staging CT of the chest done?\"}]}";
	}

	private static String record(String identifier, String subject, String request, String requester) {
		return "{\"resourceType\":\"DocumentReference\",\"identifier\":[{\"system\":\"https://isolation.example.org/id\",\"value\":\""
				+ identifier + "\"}],\"status\":\"current\",\"docStatus\":\"final\","
				+ "\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11526-1\",\"display\":\"Pathology study\"}]},"
				+ "\"subject\":{\"reference\":\"" + subject + "\"},\"date\":\"2026-08-14T15:20:00+02:00\","
				+ "\"author\":[{\"reference\":\"" + requester + "\"}],"
				+ "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"UGF0aG9sb2d5IHJlcG9ydA==\",\"title\":\"Pathology report\"}}],"
				+ "\"context\":{\"related\":[{\"reference\":\"" + request + "\"}]}}";
	}

	private static String transaction(String resource) {
		return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID()
				+ "\",\"resource\":" + resource + ",\"request\":{\"method\":\"POST\",\"url\":\""
				+ resource.substring(17, resource.indexOf('"', 17)) + "\"}}]}";
	}

	/** How many resources with the identifier are stored, whoever owns them (the coordinator sees all). */
	private int stored(String type, String identifier) {
		String token = identifier.contains("|") ? identifier : "https://isolation.example.org/id|" + identifier;
		return total(as(tokens.get("coordinator"), "GET", "/" + type + "?identifier=" + token + "&_summary=count", null));
	}

	private Case submit(SampleCase sample, String file, String ehr) {
		HttpResponse<String> posted = as(tokens.get(ehr), "POST", "", sample.file(file));
		assertThat(posted.statusCode()).as(file + ": " + posted.body()).isEqualTo(200);
		String coordinator = tokens.get("coordinator");
		String requestSystem = sample.orderSystem();
		ServiceRequest request = (ServiceRequest) bundle(as(coordinator, "GET", "/ServiceRequest?identifier=" + requestSystem + "|", null))
				.getEntryFirstRep().getResource();
		String patient = request.getSubject().getReference();
		org.hl7.fhir.r4.model.Identifier identifier = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Patient.class,
				as(coordinator, "GET", "/" + patient, null).body()).getIdentifierFirstRep();
		String patientIdentifier = identifier.getSystem() + "|" + identifier.getValue();
		DocumentReference record = (DocumentReference) bundle(as(coordinator, "GET", "/DocumentReference?patient=" + patient, null))
				.getEntryFirstRep().getResource();
		String marker = requestSystem.substring("https://".length(), requestSystem.indexOf("/id/"));
		return new Case(marker, patient, patientIdentifier, request.getIdElement().toUnqualifiedVersionless().getValue(),
				requestSystem + "|" + request.getIdentifier().stream().filter(id -> requestSystem.equals(id.getSystem()))
						.findFirst().orElseThrow().getValue(),
				record.getIdElement().toUnqualifiedVersionless().getValue(), request.getRequester().getReference());
	}

	/** The client id of the expert who owns the case's Task (the sample experts' ids are their identifiers). */
	private String ownerOf(Case target) {
		String coordinator = tokens.get("coordinator");
		Task task = (Task) bundle(as(coordinator, "GET", "/Task?focus=" + target.request(), null)).getEntryFirstRep().getResource();
		String role = as(coordinator, "GET", "/" + task.getOwner().getReference(), null).body();
		return FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.PractitionerRole.class, role)
				.getIdentifierFirstRep().getValue();
	}

	private String ehrToken(String client) {
		HttpResponse<String> answer = TestTokens.requestToken(origin(), client, TestTokens.sampleClientKey(client), EHR_SCOPES);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return TestTokens.field(answer.body(), "access_token");
	}


	private static Bundle bundle(HttpResponse<String> answer) {
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, answer.body());
	}

	private static int total(HttpResponse<String> answer) {
		if (answer.statusCode() != 200) {
			return -1;
		}
		Bundle found = FHIR.newJsonParser().parseResource(Bundle.class, answer.body());
		return found.hasTotal() ? found.getTotal() : found.getEntry().size();
	}

	private static String idPart(String reference) {
		return reference.substring(reference.indexOf('/') + 1);
	}
}

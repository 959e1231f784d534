package org.example.secondopinion.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** The case stays right whatever an EHR sends, each test written as the EHR (or the centre) would act. */
class CaseIntegrityIT extends CaseSteps {

	@Test
	void anEhrEchoingItsOwnCopyOfTheTaskKeepsTheServersPartAndAddsItsNote() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		Task assigned = task(request(sample));
		String id = assigned.getIdElement().getIdPart();
		// the EHR's own copy: the Task as it sent it, before the server took the case in
		Task ehrCopy = client().read().resource(Task.class).withIdAndVersion(id, "1").execute();
		assertThat(ehrCopy.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
		ehrCopy.getMeta().getSecurity().clear();
		ehrCopy.setId(id);
		ehrCopy.addNote().setText("Referring team: the patient prefers a call before 10 am.");

		HttpResponse<String> echoed = put("/Task/" + id, FHIR.newJsonParser().encodeResourceToString(ehrCopy));

		assertThat(echoed.statusCode()).as(echoed.body()).isEqualTo(200);
		Task stored = task(request(sample));
		assertThat(businessStatus(stored)).isEqualTo("assigned");
		assertThat(stored.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
		assertThat(stored.getOwner().getReference()).isEqualTo(assigned.getOwner().getReference());
		assertThat(stored.getRestriction().getPeriod().getEnd()).isEqualTo(assigned.getRestriction().getPeriod().getEnd());
		assertThat(stored.getStatusReason().getText()).isEqualTo(assigned.getStatusReason().getText());
		assertThat(stored.getNoteFirstRep().getText()).contains("call before 10 am");

		// the same due date written in another time zone is the same value
		Task utc = stored.copy();
		utc.getMeta().getSecurity().clear();
		utc.getRestriction().getPeriod().setEndElement(new DateTimeType(stored.getRestriction().getPeriod().getEnd(),
				ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI, java.util.TimeZone.getTimeZone("UTC")));
		HttpResponse<String> sameInstant = put("/Task/" + id, FHIR.newJsonParser().encodeResourceToString(utc));
		assertThat(sameInstant.statusCode()).as(sameInstant.body()).isEqualTo(200);

		// a copy that leaves the server's part out keeps it too, and the case stays in the overdue search
		Task bare = task(request(sample)).copy();
		bare.getMeta().getSecurity().clear();
		bare.setOwner(null).setRestriction(null).setBusinessStatus(null).setStatusReason(null).getInput().clear();
		assertThat(put("/Task/" + id, FHIR.newJsonParser().encodeResourceToString(bare)).statusCode()).isEqualTo(200);
		assertThat(task(request(sample)).getRestriction().getPeriod().getEnd()).isEqualTo(assigned.getRestriction().getPeriod().getEnd());
		assertThat(count("Task?_id=" + id + "&due=lt" + LocalDate.now())).isEqualTo(1);
	}

	@Test
	void anEhrSettingANewDueDateOnTheCaseTaskIsToldWhichFieldsAreTheServers() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		Task task = task(request(sample));
		task.getMeta().getSecurity().clear();
		task.getRestriction().getPeriod().setEnd(java.util.Date.from(Instant.now().plus(Duration.ofDays(60))));

		HttpResponse<String> response = put("/Task/" + task.getIdElement().getIdPart(), FHIR.newJsonParser().encodeResourceToString(task));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
		assertThat(response.body()).contains("[case-task-fields-by-server]").contains("Task.restriction").contains("ServiceRequest.priority");

		// nor may it point the case's Task at another of its requests
		SampleCase other = new SampleCase("riverbend-hospital.example.org");
		postBundle(other.file("04-osteosarcoma-request.json"));
		Task repointed = task(request(sample));
		repointed.getMeta().getSecurity().clear();
		repointed.setFocus(new Reference(request(other).getIdElement().toUnqualifiedVersionless().getValue()));
		HttpResponse<String> moved = put("/Task/" + repointed.getIdElement().getIdPart(), FHIR.newJsonParser().encodeResourceToString(repointed));
		assertThat(moved.statusCode()).as(moved.body()).isEqualTo(403);
		assertThat(moved.body()).contains("Task.focus");
	}

	@Test
	void aDateOnlyStatRequestIsDueFourHoursAfterItArrives() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		Bundle bundle = withoutTask(sample.file("06-lipoma-request.json"));
		ServiceRequest sent = requestIn(bundle);
		sent.setPriority(ServiceRequest.ServiceRequestPriority.STAT);
		sent.setAuthoredOnElement(new DateTimeType(LocalDate.now().toString()));
		Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

		assertThat(post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(bundle)).statusCode()).isEqualTo(200);

		Task task = task(request(sample));
		Instant due = task.getRestriction().getPeriod().getEnd().toInstant();
		assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.STAT);
		assertThat(due).isAfter(Instant.now()).isBetween(before.plus(Duration.ofHours(4)), Instant.now().plus(Duration.ofHours(4)));
		assertThat(task.getRestriction().getPeriod().getStart().toInstant()).isBetween(before, Instant.now());
	}

	@Test
	void raisingThePriorityRaisesTheTasksAndMovesItsDueDate() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(withoutTask(sample.file("06-lipoma-request.json"))));
		ServiceRequest request = request(sample);
		Task routine = task(request);
		Instant received = routine.getRestriction().getPeriod().getStart().toInstant();
		assertThat(routine.getRestriction().getPeriod().getEnd().toInstant()).isEqualTo(received.plus(Duration.ofDays(10)));

		request.setPriority(ServiceRequest.ServiceRequestPriority.URGENT);
		assertThat(put("/ServiceRequest/" + request.getIdElement().getIdPart(), FHIR.newJsonParser().encodeResourceToString(request))
				.statusCode()).isEqualTo(200);

		Task urgent = task(request);
		assertThat(urgent.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
		assertThat(urgent.getRestriction().getPeriod().getEnd().toInstant()).isEqualTo(received.plus(Duration.ofDays(3)));
		assertThat(businessStatus(urgent)).isEqualTo(businessStatus(routine));
	}

	@Test
	void aSecondOpinionRequestCannotBeRecodedIntoAnotherKindOfRequest() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		ServiceRequest request = request(sample);
		ServiceRequest recoded = request.copy();
		recoded.setCategory(List.of()).setCode(null).getMeta().setProfile(List.of());

		HttpResponse<String> refused = put("/ServiceRequest/" + request.getIdElement().getIdPart(),
				FHIR.newJsonParser().encodeResourceToString(recoded));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
		assertThat(refused.body()).contains("case-kind-kept");
		assertThat(request(sample).getCategory()).as("the request as it was").isNotEmpty();
	}

	@Test
	void anExplicitDueDateFromTheEhrStaysWhenThePriorityChanges() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		ServiceRequest request = request(sample);
		java.util.Date agreed = task(request).getRestriction().getPeriod().getEnd();

		request.setPriority(ServiceRequest.ServiceRequestPriority.ASAP);
		put("/ServiceRequest/" + request.getIdElement().getIdPart(), FHIR.newJsonParser().encodeResourceToString(request));

		Task task = task(request);
		assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.ASAP);
		assertThat(task.getRestriction().getPeriod().getEnd()).isEqualTo(agreed);
	}

	@Test
	void deletingTheRequiredPathologyReportSendsTheCaseBackForItWithItsExpertKept() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		// documents only: the sample's structured pathology report would count in the document's place
		assertThat(postBundle(withoutStructuredRecords(sample.file("02-sarcoma-request.json"))).statusCode()).isEqualTo(200);
		ServiceRequest request = request(sample);
		Task assigned = task(request);
		DocumentReference pathology = records(request).stream()
				.filter(record -> "11526-1".equals(record.getType().getCodingFirstRep().getCode())).findFirst().orElseThrow();

		// (the policy refuses it whatever the scopes: rule expert-adds-to-case, see AccessPolicyTest)
		String expert = tokenWithSecret("expert-lindqvist", "dev-expert-lindqvist", "user/DocumentReference.rs");
		HttpResponse<String> byExpert = as(expert, "DELETE", "/DocumentReference/" + pathology.getIdElement().getIdPart(), null);
		assertThat(byExpert.statusCode()).as("the expert does not withdraw the referrer's records").isEqualTo(403);

		HttpResponse<String> deleted = send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create(baseUrl() + "/DocumentReference/" + pathology.getIdElement().getIdPart())).DELETE().build());

		assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
		Task waiting = task(request);
		assertThat(businessStatus(waiting)).isEqualTo("awaiting-records");
		assertThat(waiting.getStatus()).isEqualTo(Task.TaskStatus.RECEIVED);
		assertThat(waiting.getOwner().getReference()).isEqualTo(assigned.getOwner().getReference());
		assertThat(waiting.getStatusReason().getText()).contains(pathology.getIdElement().toUnqualifiedVersionless().getValue());
		Parameters completeness = completeness(request);
		assertThat(completeness.getParameterBool("complete")).isFalse();
		assertThat(completeness.getParameterValue("state").primitiveValue()).isEqualTo("awaiting-records");

		DocumentReference again = pathology.copy();
		again.setId((String) null);
		again.getMeta().getSecurity().clear();
		assertThat(client().create().resource(again).execute().getCreated()).isTrue();
		Task back = task(request);
		assertThat(businessStatus(back)).isEqualTo("assigned");
		assertThat(back.getOwner().getReference()).isEqualTo(assigned.getOwner().getReference());
	}

	@Test
	void aPathologyReportMarkedEnteredInErrorNoLongerCountsTowardsCompleteness() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		ServiceRequest request = request(sample);
		DocumentReference pathology = records(request).stream()
				.filter(record -> "11526-1".equals(record.getType().getCodingFirstRep().getCode())).findFirst().orElseThrow();
		pathology.getMeta().getSecurity().clear();
		pathology.setStatus(Enumerations.DocumentReferenceStatus.ENTEREDINERROR);

		assertThat(put("/DocumentReference/" + pathology.getIdElement().getIdPart(), FHIR.newJsonParser().encodeResourceToString(pathology))
				.statusCode()).isEqualTo(200);

		assertThat(businessStatus(task(request))).isEqualTo("awaiting-records");
		assertThat(completeness(request).getParameterBool("complete")).isFalse();
	}

	@Test
	void assigningAnExpertOnLeaveIsRefusedUnlessForcedAndTheTaskSaysTheCoordinatorChose() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		ServiceRequest request = request(sample);
		String onLeave = expertReference("expert-tanaka");
		String path = "/ServiceRequest/" + request.getIdElement().getIdPart() + "/$assign";
		Parameters toTanaka = new Parameters();
		toTanaka.addParameter().setName("expert").setValue(new Reference(onLeave));

		HttpResponse<String> refused = as(coordinatorToken(), "POST", path, FHIR.newJsonParser().encodeResourceToString(toTanaka));
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
		assertThat(refused.body()).contains("unavailable until").contains("force=true");
		assertThat(task(request).getOwner().getReference()).isNotEqualTo(onLeave);

		toTanaka.addParameter().setName("force").setValue(new BooleanType(true));
		toTanaka.addParameter().setName("reason").setValue(new StringType("The only reviewer of chondroid lesions"));
		HttpResponse<String> forced = as(coordinatorToken(), "POST", path, FHIR.newJsonParser().encodeResourceToString(toTanaka));
		assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
		Task task = task(request);
		assertThat(task.getOwner().getReference()).isEqualTo(onLeave);
		assertThat(task.getStatusReason().getText()).startsWith("Assigned by the coordinator: The only reviewer")
				.contains("unavailable until");
	}

	@Test
	void assignWithAWrongParameterNameIsAClientErrorThatNamesTheParameter() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		Parameters misnamed = new Parameters();
		misnamed.addParameter().setName("practitioner").setValue(new Reference(expertReference("expert-osei")));

		HttpResponse<String> response = as(coordinatorToken(), "POST",
				"/ServiceRequest/" + request(sample).getIdElement().getIdPart() + "/$assign", FHIR.newJsonParser().encodeResourceToString(misnamed));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("Parameter 'expert' is required").doesNotContain("NullPointer").doesNotContain("java.");
	}

	@Test
	void aReferrersAnswerWithoutInResponseToIsRefusedNamingTheOpenQuestion() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		postBundle(sample.file("02-sarcoma-request.json"));
		ServiceRequest request = request(sample);
		String expert = expertReference("expert-lindqvist");
		String questionId = client().create().resource(question(request, expert, "Is the block available?")).execute().getId().toUnqualifiedVersionless().getValue();

		Communication unlinked = message(request, request.getRequester().getReference(), expert, "Yes, it is on its way.");
		HttpResponse<String> response = post("/Communication", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(unlinked));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(response.body()).contains("inResponseTo").contains(questionId);

		unlinked.addInResponseTo(new Reference(request.getIdElement().toUnqualifiedVersionless().getValue().replace("ServiceRequest", "Communication")));
		HttpResponse<String> toSomethingElse = post("/Communication", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(unlinked));
		assertThat(toSomethingElse.statusCode()).as("inResponseTo must name the open question").isIn(400, 422);
		assertThat(businessStatus(task(request))).isEqualTo("awaiting-information");
		assertThat(count("Communication?based-on=" + request.getIdElement().toUnqualifiedVersionless().getValue())).isEqualTo(1);
	}

	private java.util.List<DocumentReference> records(ServiceRequest request) {
		return client().search().byUrl("DocumentReference?related=" + request.getIdElement().toUnqualifiedVersionless().getValue())
				.returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> (DocumentReference) entry.getResource()).toList();
	}

	private static Bundle withoutTask(String requestBundle) {
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, requestBundle);
		bundle.getEntry().removeIf(entry -> entry.getResource() instanceof Task);
		return bundle;
	}

	private static ServiceRequest requestIn(Bundle bundle) {
		return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(ServiceRequest.class::isInstance).map(ServiceRequest.class::cast).findFirst().orElseThrow();
	}

	/** The bundle with its structured records (Procedure, reports, Specimen, Observations, ImagingStudy) left out. */
	private static String withoutStructuredRecords(String json) {
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, json);
		java.util.Set<String> structured = java.util.Set.of("Procedure", "Specimen", "Observation", "DiagnosticReport", "ImagingStudy");
		java.util.Set<String> removed = new java.util.HashSet<>();
		bundle.getEntry().removeIf(entry -> structured.contains(entry.getResource().fhirType()) && removed.add(entry.getFullUrl()));
		bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(ServiceRequest.class::isInstance).map(ServiceRequest.class::cast)
				.forEach(request -> request.getSupportingInfo().removeIf(reference -> removed.contains(reference.getReference())));
		return FHIR.newJsonParser().encodeResourceToString(bundle);
	}
}

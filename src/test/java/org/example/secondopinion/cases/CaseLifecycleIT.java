package org.example.secondopinion.cases;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.util.UrlUtil;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each sample case from submission to final opinion, and the changes a case refuses, over HTTP. */
class CaseLifecycleIT extends CaseSteps {

	private static final String AMENDMENT_REASON = "https://second-opinion.example.org/fhir/StructureDefinition/so-amendment-reason";
	private static final String DIAGNOSES = "https://second-opinion.example.org/fhir/ValueSet/so-diagnosis";

	static Stream<Arguments> sampleCases() {
		return Stream.of(
				Arguments.of("st-elsewhere.example.org", "02-sarcoma-request.json", "03-sarcoma-opinion.json", "expert-lindqvist"),
				Arguments.of("riverbend-hospital.example.org", "04-osteosarcoma-request.json", "05-osteosarcoma-opinion.json", "expert-osei"),
				Arguments.of("lakeside-clinic.example.org", "06-lipoma-request.json", "07-lipoma-opinion.json", "expert-herrera"));
	}

	@ParameterizedTest(name = "{1} then {2}")
	@MethodSource("sampleCases")
	void aSampleCaseGoesFromSubmissionThroughAssignmentToItsFinalOpinion(
			String hospital, String requestFile, String opinionFile, String expectedExpert) {
		SampleCase sample = new SampleCase(hospital);

		assertThat(postBundle(sample.file(requestFile)).statusCode()).isEqualTo(200);
		ServiceRequest request = request(sample);
		Task task = task(request);
		assertThat(businessStatus(task)).isEqualTo("assigned");
		assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
		assertThat(task.getOwner().getReference()).isEqualTo(expertReference(expectedExpert));
		assertThat(task.getRestriction().getPeriod().hasEnd()).isTrue();
		assertThat(request.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
		assertThat(completeness(request).getParameterBool("complete")).isTrue();

		HttpResponse<String> opinion = postBundleAs(expectedExpert, sample.file(opinionFile));
		assertThat(opinion.statusCode()).as(opinion.body()).isEqualTo(200);

		Task completed = task(request);
		assertThat(businessStatus(completed)).isEqualTo("completed");
		assertThat(completed.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
		assertThat(completed.getOutputFirstRep().getValue()).isInstanceOf(Reference.class);
		assertThat(((Reference) completed.getOutputFirstRep().getValue()).getReference()).startsWith("DiagnosticReport/");
		assertThat(request(sample).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
	}

	@Test
	void anIncompleteRequestAwaitsItsRecordsAndIsAssignedOnceThePathologyReportArrives() {
		SampleCase sample = new SampleCase("northgate-hospital.example.org");

		postBundle(sample.file("08-incomplete-request.json"));
		ServiceRequest request = request(sample);
		Task waiting = task(request);
		assertThat(businessStatus(waiting)).isEqualTo("awaiting-records");
		assertThat(waiting.getStatus()).isEqualTo(Task.TaskStatus.RECEIVED);
		Parameters before = completeness(request);
		assertThat(before.getParameterBool("complete")).isFalse();
		assertThat(before.getParameters("missing")).extracting(p -> p.getValue().primitiveValue())
				.anySatisfy(name -> assertThat(name).containsIgnoringCase("pathology"));

		assertThat(postBundle(sample.file("09-incomplete-add-pathology.json")).statusCode()).isEqualTo(200);

		Task assigned = task(request);
		assertThat(businessStatus(assigned)).isEqualTo("assigned");
		assertThat(assigned.getInput()).isEmpty();
		assertThat(completeness(request).getParameterBool("complete")).isTrue();
	}

	@Test
	void anOpinionByAnExpertNotAssignedIsRefused() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		postBundle(sample.file("02-sarcoma-request.json"));
		String byRadiologist = sample.file("03-sarcoma-opinion.json").replace("expert-lindqvist", "expert-herrera");

		HttpResponse<String> byHim = postBundleAs("expert-herrera", byRadiologist);
		HttpResponse<String> inHisName = postBundleAs("expert-lindqvist", byRadiologist);

		// he is not on the case, so for him the request the opinion is based on does not exist
		assertThat(byHim.statusCode()).as(byHim.body()).isEqualTo(404);
		// the assigned pathologist may not sign an opinion in his name
		assertThat(inHisName.statusCode()).as(inHisName.body()).isEqualTo(422);
		assertThat(inHisName.body()).contains("opinion-by-assigned-expert");
		assertThat(businessStatus(task(request(sample)))).isEqualTo("assigned");
	}

	@Test
	void aSecondFinalOpinionIsRefused() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		postBundleAs("expert-herrera", sample.file("07-lipoma-opinion.json"));
		String another = sample.file("07-lipoma-opinion.json").replace("SO-", "SO2-");

		HttpResponse<String> response = postBundleAs("expert-herrera", another);

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.body()).contains("one-final-opinion").contains("current state: completed");
	}

	@Test
	void aRevokedRequestCancelsTheCaseWhichCannotBeReopenedNorGetAnOpinion() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		ServiceRequest request = request(sample);

		request.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
		client().update().resource(request).execute();
		assertThat(businessStatus(task(request))).isEqualTo("cancelled");
		assertThat(task(request).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);

		ServiceRequest reopened = request(sample).setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
		HttpResponse<String> reopen = put("/ServiceRequest/" + reopened.getIdElement().getIdPart(),
				FHIR.newJsonParser().encodeResourceToString(reopened));
		assertThat(reopen.statusCode()).isEqualTo(409);
		assertThat(reopen.body()).contains("current state: cancelled");

		HttpResponse<String> opinion = postBundleAs("expert-herrera", sample.file("07-lipoma-opinion.json"));
		assertThat(opinion.statusCode()).as(opinion.body()).isEqualTo(409);
		assertThat(opinion.body()).contains("opinion-on-closed-case");
	}

	@Test
	void aPreliminaryOpinionStartsTheReviewAndAnAmendmentKeepsTheCaseCompletedWithItsHistory() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		ServiceRequest request = request(sample);
		Bundle opinionBundle = FHIR.newJsonParser().parseResource(Bundle.class, sample.file("07-lipoma-opinion.json"));
		opinionBundle.getEntryFirstRep().getResource().setMeta(null);
		DiagnosticReport draft = (DiagnosticReport) opinionBundle.getEntryFirstRep().getResource();
		draft.setStatus(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);

		IGenericClient expert = clientWithToken(expertToken("expert-herrera"));
		assertThat(postBundleAs("expert-herrera", FHIR.newJsonParser().encodeResourceToString(opinionBundle)).statusCode()).isEqualTo(200);
		assertThat(businessStatus(task(request))).isEqualTo("in-review");

		DiagnosticReport stored = (DiagnosticReport) expert.search()
				.byUrl("DiagnosticReport?based-on=" + request.getIdElement().toUnqualifiedVersionless().getValue())
				.returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
		stored.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
		expert.update().resource(stored).execute();
		assertThat(businessStatus(task(request))).isEqualTo("completed");

		DiagnosticReport finalOpinion = expert.read().resource(DiagnosticReport.class).withId(stored.getIdElement().toUnqualifiedVersionless()).execute();
		finalOpinion.setStatus(DiagnosticReport.DiagnosticReportStatus.AMENDED);
		finalOpinion.setConclusion(finalOpinion.getConclusion() + " Addendum: the ultrasound of 2026-06-30 changes nothing.");
		finalOpinion.addExtension(AMENDMENT_REASON, new StringType("The referrer sent the ultrasound of 2026-06-30"));
		expert.update().resource(finalOpinion).execute();

		assertThat(businessStatus(task(request))).isEqualTo("completed");
		Bundle history = client().history().onInstance(finalOpinion.getIdElement().toUnqualifiedVersionless()).returnBundle(Bundle.class).execute();
		assertThat(history.getEntry()).extracting(entry -> ((DiagnosticReport) entry.getResource()).getStatus())
				.contains(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY, DiagnosticReport.DiagnosticReportStatus.FINAL,
						DiagnosticReport.DiagnosticReportStatus.AMENDED);
	}

	@Test
	void anAmendmentWithoutAReasonIsRefusedAndLeavesTheOpinionAndTheCaseAsTheyWere() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		assertThat(postBundleAs("expert-herrera", sample.file("07-lipoma-opinion.json")).statusCode()).isEqualTo(200);
		ServiceRequest request = request(sample);
		DiagnosticReport released = (DiagnosticReport) client().search()
				.byUrl("DiagnosticReport?based-on=" + request.getIdElement().toUnqualifiedVersionless().getValue())
				.returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
		String version = released.getMeta().getVersionId();

		DiagnosticReport amended = released.copy();
		amended.setStatus(DiagnosticReport.DiagnosticReportStatus.AMENDED);
		amended.setConclusion(released.getConclusion() + " Addendum: margins clear on review.");
		HttpResponse<String> response = as(expertToken("expert-herrera"), "PUT",
				"/DiagnosticReport/" + released.getIdElement().getIdPart(), FHIR.newJsonParser().encodeResourceToString(amended));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		assertThat(response.body()).contains("amend-with-reason").contains(AMENDMENT_REASON);
		DiagnosticReport stored = client().read().resource(DiagnosticReport.class)
				.withId(released.getIdElement().toUnqualifiedVersionless()).execute();
		assertThat(stored.getMeta().getVersionId()).isEqualTo(version);
		assertThat(stored.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
		assertThat(stored.getConclusion()).isEqualTo(released.getConclusion());
		assertThat(businessStatus(task(request))).isEqualTo("completed");
	}

	@Test
	void anExpertReadsTheDiagnosesOfferedForAnOpinion() {
		IGenericClient expert = clientWithToken(expertToken("expert-herrera"));

		Bundle found = expert.search().byUrl("ValueSet?url=" + UrlUtil.escapeUrlParam(DIAGNOSES)).returnBundle(Bundle.class).execute();

		assertThat(found.getEntry()).hasSize(1);
		ValueSet diagnoses = (ValueSet) found.getEntryFirstRep().getResource();
		assertThat(diagnoses.getCompose().getIncludeFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
		assertThat(diagnoses.getCompose().getIncludeFirstRep().getConcept())
				.extracting(ValueSet.ConceptReferenceComponent::getCode).contains("134328007", "1163405004");
	}

	@Test
	void aClientCannotCompleteACaseByItsTaskWithoutAFinalOpinion() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		Task task = task(request(sample));
		task.setStatus(Task.TaskStatus.COMPLETED);

		task.getMeta().getSecurity().clear();
		String completed = FHIR.newJsonParser().encodeResourceToString(task);

		HttpResponse<String> byEhr = put("/Task/" + task.getIdElement().getIdPart(), completed);
		assertThat(byEhr.statusCode()).as(byEhr.body()).isEqualTo(403);
		assertThat(byEhr.body()).contains("[case-state-by-server]");

		HttpResponse<String> byCoordinator = as(coordinatorToken(), "PUT", "/Task/" + task.getIdElement().getIdPart(), completed);
		assertThat(byCoordinator.statusCode()).as(byCoordinator.body()).isEqualTo(409);
		assertThat(byCoordinator.body()).contains("current state: assigned").contains("requested: Task.status completed");
		assertThat(businessStatus(task(request(sample)))).isEqualTo("assigned");
	}

	@Test
	void matchingPrefersTheExpertWithTheLowerWorkload() {
		String busy = createExpert("Busy");
		String free = createExpert("Free");
		try {
			assertFreeRanksBeforeBusy(busy, free);
		} finally {
			retire(busy);
			retire(free);
		}
	}

	private void assertFreeRanksBeforeBusy(String busy, String free) {
		SampleCase first = new SampleCase("riverbend-hospital.example.org");
		postBundle(first.file("04-osteosarcoma-request.json"));
		Parameters toBusy = new Parameters();
		toBusy.addParameter().setName("expert").setValue(new Reference(busy));
		coordinator().operation().onInstance(request(first).getIdElement().toUnqualifiedVersionless())
				.named("$assign").withParameters(toBusy).returnResourceType(Task.class).execute();

		SampleCase second = new SampleCase("riverbend-hospital.example.org");
		postBundle(second.file("04-osteosarcoma-request.json"));
		Parameters matches = coordinator().operation().onInstance(request(second).getIdElement().toUnqualifiedVersionless())
				.named("$match-experts").withNoParameters(Parameters.class).useHttpGet().execute();

		List<String> ranked = matches.getParameters("candidate").stream()
				.map(candidate -> ((Reference) candidate.getPart().get(0).getValue()).getReference())
				.toList();
		assertThat(ranked).contains(busy, free);
		assertThat(ranked.indexOf(free)).isLessThan(ranked.indexOf(busy));
	}

	/** Test experts leave the shared directory, so the samples' cases are assigned as in production. */
	private void retire(String expert) {
		// the directory is the centre's: a coordinator changes it, an EHR may not
		PractitionerRole role = coordinator().read().resource(PractitionerRole.class).withUrl(expert).execute();
		role.setActive(false);
		coordinator().update().resource(role).execute();
	}

	private String createExpert(String family) {
		org.hl7.fhir.r4.model.Practitioner practitioner = new org.hl7.fhir.r4.model.Practitioner();
		practitioner.addName().setFamily(family + java.util.UUID.randomUUID());
		String practitionerId = coordinator().create().resource(practitioner).execute().getId().toUnqualifiedVersionless().getValue();
		PractitionerRole role = new PractitionerRole();
		role.addIdentifier().setSystem(EXPERTS).setValue(java.util.UUID.randomUUID().toString());
		role.setActive(true);
		role.setPractitioner(new Reference(practitionerId));
		role.addCode().addCoding().setSystem("https://second-opinion.example.org/fhir/CodeSystem/so-codes").setCode("expert");
		role.addSpecialty().addCoding().setSystem("https://second-opinion.example.org/fhir/CodeSystem/so-codes").setCode("orthopaedic-oncology");
		return coordinator().create().resource(role).execute().getId().toUnqualifiedVersionless().getValue();
	}

	@Test
	void aRequestSentAloneGetsItsTaskFromTheServerAndASecondTaskIsRefused() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, sample.file("06-lipoma-request.json"));
		bundle.getEntry().removeIf(entry -> entry.getResource() instanceof Task);
		assertThat(post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(bundle)).statusCode()).isEqualTo(200);
		ServiceRequest request = request(sample);
		Task created = task(request);
		assertThat(businessStatus(created)).isEqualTo("assigned");
		assertThat(created.getRestriction().getPeriod().hasEnd()).isTrue();

		Task another = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
				.setFocus(new Reference(request.getIdElement().toUnqualifiedVersionless().getValue()))
				.setFor(request.getSubject());
		HttpResponse<String> response = post("/Task", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(another));

		assertThat(response.statusCode()).isEqualTo(409);
		assertThat(response.body()).contains(created.getIdElement().toUnqualifiedVersionless().getValue());
	}

	@Test
	void anOpinionNamingTheAssignedExpertsPractitionerIsAccepted() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		PractitionerRole herrera = client().read().resource(PractitionerRole.class).withUrl(expertReference("expert-herrera")).execute();
		String byPractitioner = sample.file("07-lipoma-opinion.json").replace(
				"PractitionerRole?identifier=https://second-opinion.example.org/fhir/id/expert|expert-herrera",
				herrera.getPractitioner().getReference());

		HttpResponse<String> response = postBundleAs("expert-herrera", byPractitioner);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(businessStatus(task(request(sample)))).isEqualTo("completed");
	}

	@Test
	void theCentreRejectsACaseWithAReasonAndItCannotBeRejectedTwice() {
		SampleCase sample = new SampleCase("northgate-hospital.example.org");
		postBundle(sample.file("08-incomplete-request.json"));
		ServiceRequest request = request(sample);
		Parameters reason = new Parameters();
		reason.addParameter("reason", new org.hl7.fhir.r4.model.StringType("Outside the centre's scope"));

		Task rejected = coordinator().operation().onInstance(request.getIdElement().toUnqualifiedVersionless())
				.named("$reject").withParameters(reason).returnResourceType(Task.class).execute();

		assertThat(rejected.getStatus()).isEqualTo(Task.TaskStatus.REJECTED);
		assertThat(rejected.getStatusReason().getText()).isEqualTo("Outside the centre's scope");
		assertThat(request(sample).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
		HttpResponse<String> again = as(coordinatorToken(), "POST", "/" + request.getIdElement().toUnqualifiedVersionless().getValue()
				+ "/$reject", FHIR.newJsonParser().encodeResourceToString(reason));
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.body()).contains("current state: rejected");
	}

	@Test
	void twoConcurrentFinalOpinionsOnOneCaseLeaveExactlyOneWinner() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		postBundle(sample.file("06-lipoma-request.json"));
		ServiceRequest request = request(sample);
		DiagnosticReport opinion = (DiagnosticReport) FHIR.newJsonParser()
				.parseResource(Bundle.class, sample.file("07-lipoma-opinion.json")).getEntryFirstRep().getResource();
		opinion.setBasedOn(List.of(new Reference(request.getIdElement().toUnqualifiedVersionless().getValue())));
		opinion.setSubject(request.getSubject());
		opinion.setPerformer(List.of(new Reference(expertReference("expert-herrera"))));
		opinion.getExtension().removeIf(e -> e.getUrl().endsWith("so-compared-diagnosis") || e.getUrl().endsWith("so-records-reviewed"));
		opinion.addExtension("https://second-opinion.example.org/fhir/StructureDefinition/so-compared-diagnosis", request.getReasonReferenceFirstRep());
		request.getSupportingInfo().forEach(record ->
				opinion.addExtension("https://second-opinion.example.org/fhir/StructureDefinition/so-records-reviewed", record));
		opinion.getIdentifier().clear();
		String body = FHIR.newJsonParser().encodeResourceToString(opinion);
		String herrera = expertToken("expert-herrera");

		List<CompletableFuture<HttpResponse<String>>> attempts = Stream.of(1, 2)
				.map(i -> CompletableFuture.supplyAsync(() -> as(herrera, "POST", "/DiagnosticReport", body)))
				.toList();
		List<Integer> statuses = attempts.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();

		assertThat(statuses).containsExactlyInAnyOrder(201, 409);
		assertThat(count("DiagnosticReport?based-on=" + request.getIdElement().toUnqualifiedVersionless().getValue() + "&status=final")).isEqualTo(1);
		assertThat(businessStatus(task(request))).isEqualTo("completed");
	}

	@Test
	void matchingRanksTheRightSpecialtyAndSkipsTheExpertOnLeave() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		ServiceRequest request = request(sample);

		Parameters matches = coordinator().operation().onInstance(request.getIdElement().toUnqualifiedVersionless())
				.named("$match-experts").withNoParameters(Parameters.class).useHttpGet().execute();

		List<Parameters.ParametersParameterComponent> candidates = matches.getParameters("candidate");
		assertThat(candidates).isNotEmpty();
		assertThat(((Reference) candidates.get(0).getPart().get(0).getValue()).getReference()).isEqualTo(expertReference("expert-osei"));
		assertThat(matches.getParameters("skipped"))
				.anySatisfy(skipped -> {
					assertThat(((Reference) skipped.getPart().get(0).getValue()).getReference()).isEqualTo(expertReference("expert-tanaka"));
					assertThat(skipped.getPart().get(1).getValue().primitiveValue()).containsIgnoringCase("until");
				});
	}

	@Test
	void assigningAnotherExpertKeepsThePreviousAssignmentInTheTaskHistory() {
		SampleCase sample = new SampleCase("riverbend-hospital.example.org");
		postBundle(sample.file("04-osteosarcoma-request.json"));
		ServiceRequest request = request(sample);

		Parameters parameters = new Parameters();
		parameters.addParameter().setName("expert").setValue(new Reference(expertReference("expert-lindqvist")));
		Task reassigned = coordinator().operation().onInstance(request.getIdElement().toUnqualifiedVersionless())
				.named("$assign").withParameters(parameters).returnResourceType(Task.class).execute();

		assertThat(reassigned.getOwner().getReference()).isEqualTo(expertReference("expert-lindqvist"));
		Bundle history = client().history().onInstance(reassigned.getIdElement().toUnqualifiedVersionless())
				.returnBundle(Bundle.class).execute();
		assertThat(history.getEntry()).extracting(entry -> ((Task) entry.getResource()).getOwner().getReference())
				.contains(expertReference("expert-osei"), expertReference("expert-lindqvist"));
	}

	@Test
	void anExpertsQuestionPutsTheCaseOnHoldAndTheReferrersAnswerResumesTheReview() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		postBundle(sample.file("02-sarcoma-request.json"));
		ServiceRequest request = request(sample);
		String expert = expertReference("expert-lindqvist");

		Communication question = question(request, expert, "Are the original slides and block available?");
		String questionId = clientWithToken(expertToken("expert-lindqvist")).create().resource(question).execute()
				.getId().toUnqualifiedVersionless().getValue();
		Task onHold = task(request);
		assertThat(businessStatus(onHold)).isEqualTo("awaiting-information");
		assertThat(onHold.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
		assertThat(onHold.getStatusReason().getText()).contains(questionId).contains("wanted by");

		HttpResponse<String> tooEarly = postBundleAs("expert-lindqvist", sample.file("03-sarcoma-opinion.json"));
		assertThat(tooEarly.statusCode()).isEqualTo(409);
		assertThat(tooEarly.body()).contains("current state: awaiting-information");

		Communication answer = message(request, request.getRequester().getReference(), expert, "Yes, block A3 is on its way.");
		answer.addInResponseTo(new Reference(questionId));
		client().create().resource(answer).execute();
		Task inReview = task(request);
		assertThat(businessStatus(inReview)).isEqualTo("in-review");
		assertThat(inReview.getStatus()).isEqualTo(Task.TaskStatus.INPROGRESS);

		assertThat(postBundleAs("expert-lindqvist", sample.file("03-sarcoma-opinion.json")).statusCode()).isEqualTo(200);
		assertThat(businessStatus(task(request))).isEqualTo("completed");
	}

	@Test
	void theCaseOperationReturnsTheWholeCaseInOneBundle() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		postBundle(sample.file("02-sarcoma-request.json"));
		assertThat(postBundleAs("expert-lindqvist", sample.file("03-sarcoma-opinion.json")).statusCode()).isEqualTo(200);
		ServiceRequest request = request(sample);

		Bundle wholeCase = client().operation().onInstance(request.getIdElement().toUnqualifiedVersionless())
				.named("$case").withNoParameters(Parameters.class).returnResourceType(Bundle.class).useHttpGet().execute();

		assertThat(wholeCase.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
		assertThat(wholeCase.getEntry()).extracting(entry -> entry.getResource().fhirType())
				.contains("ServiceRequest", "Patient", "Condition", "DocumentReference", "Task", "PractitionerRole",
						"Communication", "DiagnosticReport");
		assertThat(wholeCase.getEntry()).filteredOn(entry -> entry.getResource() instanceof DocumentReference).hasSize(4);
	}

	@Test
	void overdueCasesAndAnExpertsWorklistAreOneSearchEach() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		postBundle(sample.file("02-sarcoma-request.json"));
		String taskId = task(request(sample)).getIdElement().toUnqualifiedVersionless().getValue();
		String open = "&status=requested,received,accepted,in-progress,on-hold";

		Bundle overdue = client().search().byUrl("Task?due=lt" + java.time.LocalDate.now() + open + "&_count=200")
				.returnBundle(Bundle.class).execute();
		Bundle worklist = client().search()
				.byUrl("Task?owner=" + expertReference("expert-lindqvist") + open + "&_sort=due&_count=200")
				.returnBundle(Bundle.class).execute();

		assertThat(overdue.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).contains(taskId);
		assertThat(worklist.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).contains(taskId);
		List<java.util.Date> dues = worklist.getEntry().stream()
				.map(e -> ((Task) e.getResource()).getRestriction().getPeriod().getEnd()).toList();
		assertThat(dues).isSorted();
	}
}

package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.util.UrlUtil;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.samples.SampleBundles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Notifications as an EHR receives them: a local receiver subscribes, a case walks its lifecycle,
 * and each event arrives once, with the right focus, the subscription's header and the payload the
 * subscription asked for, also after the endpoint was down for longer than HAPI's own retries last.
 */
class NotificationsIT extends FhirServerIT {

	private static final Duration WAIT = Duration.ofSeconds(30);
	/** After the expected notifications arrived, how long to watch for an unexpected extra one. */
	private static final Duration QUIET = Duration.ofSeconds(2);

	@Autowired
	private SubscriptionRegistry registry;

	private NotificationReceiver receiver;

	@BeforeEach
	void startReceiver() {
		receiver = NotificationReceiver.start();
		postDirectory(SampleBundles.read(SampleBundles.FOLDER.resolve("01-expert-directory.json")));
	}

	@AfterEach
	void stopReceiver() {
		receiver.close();
	}

	@Test
	void eachEventOfACaseIsNotifiedOnceWithItsFocusAndIdOnlyPayload() {
		SampleCase sample = new SampleCase("northgate-hospital.example.org");
		String patient = createPatientOf(sample.file("08-incomplete-request.json"));
		String filterByPatient = "?patient=" + patient;
		String statusSubscription = subscribe(TestSubscriptions.topic("case-status-changed", "Task" + filterByPatient, receiver.url("/status"), "id-only"));
		subscribe(TestSubscriptions.topic("records-requested", "Task" + filterByPatient, receiver.url("/records"), "id-only"));
		subscribe(TestSubscriptions.topic("question-asked", "Communication" + filterByPatient, receiver.url("/question"), "id-only"));
		subscribe(TestSubscriptions.topic("opinion-issued", "DiagnosticReport" + filterByPatient, receiver.url("/opinion"), "id-only"));

		walkTheIncompleteCase(sample);

		ServiceRequest request = request(sample);
		String task = task(request).getIdElement().toUnqualifiedVersionless().getValue();
		List<String> statusChanges = statusChangeVersionsOf(task).stream().map(version -> task + "/_history/" + version).toList();
		List<NotificationReceiver.Received> status = awaitExactly("/status", statusChanges.size());
		assertThat(status).as("each status change, named with its version, in the order they happened")
				.extracting(NotificationsIT::focusOf).containsExactlyElementsOf(statusChanges);
		List<String> newestFirst = new java.util.ArrayList<>(statusChanges);
		java.util.Collections.reverse(newestFirst);
		assertThat(deliveryLog(statusSubscription).getParameter()).as("the log names the same focus, newest first")
				.extracting(notification -> part(notification, "focus")).containsExactlyElementsOf(newestFirst);
		assertThat(focusOf(awaitExactly("/records", 1).get(0))).as("the version that awaits records").isIn(statusChanges);
		assertThat(focusOf(awaitExactly("/question", 1).get(0))).matches("Communication/[^/]+/_history/1");
		assertThat(focusOf(awaitExactly("/opinion", 1).get(0))).matches("DiagnosticReport/[^/]+/_history/\\d+");

		NotificationReceiver.Received any = status.get(0);
		assertThat(any.method()).isEqualTo("POST");
		assertThat(any.header("Authorization")).isEqualTo("Bearer ehr-secret");
		Bundle notification = FHIR.newJsonParser().parseResource(Bundle.class, any.body());
		assertThat(notification.getType()).isEqualTo(Bundle.BundleType.HISTORY);
		assertThat(notification.getEntry().subList(1, notification.getEntry().size()))
				.as("id-only: the EHR reads the resources with its own credentials")
				.allSatisfy(entry -> assertThat(entry.hasResource()).isFalse());
	}

	/**
	 * A new subscription's first notifications are where HAPI's parallel matching and delivery threads
	 * let them overtake each other: a few new subscriptions, each followed by six cases of its patient
	 * submitted at once, show it.
	 */
	@Test
	void aNewSubscriptionsNotificationsArriveInOrderNumberedFromOne() throws Exception {
		for (int round = 1; round <= 5; round++) {
			SampleCase sample = new SampleCase("lakeside-clinic.example.org");
			String patient = createReferrerAndPatientOf(sample.file("06-lipoma-request.json"));
			String path = "/in-order-" + round;
			subscribe(TestSubscriptions.topic("case-status-changed", "Task?patient=" + patient, receiver.url(path), "id-only"));

			List<String> tasks = submitAtOnce(sample, 6);

			int changes = tasks.stream().mapToInt(task -> statusChangeVersionsOf(task).size()).sum();
			List<NotificationReceiver.Received> received = awaitExactly(path, changes);
			List<Long> expected = java.util.stream.LongStream.rangeClosed(1, changes).boxed().toList();
			assertThat(received).as("round " + round + ": event numbers as received")
					.extracting(NotificationsIT::eventNumberOf).containsExactlyElementsOf(expected);
			assertThat(received).as("round " + round + ": events since the subscription started")
					.extracting(NotificationsIT::eventsSinceStartOf).containsExactlyElementsOf(expected);
			for (String task : tasks) {
				List<Long> versions = received.stream().map(NotificationsIT::focusOf).filter(focus -> focus.startsWith(task + "/"))
						.map(focus -> new org.hl7.fhir.r4.model.IdType(focus).getVersionIdPartAsLong()).toList();
				assertThat(versions).as("round " + round + ": versions of " + task + " as received").isSorted().doesNotHaveDuplicates();
			}
		}
	}

	/** Submits {@code count} cases of the sample's patient, all at once; answers their Tasks. */
	private List<String> submitAtOnce(SampleCase sample, int count) throws Exception {
		String bundle = sample.file("06-lipoma-request.json");
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(count);
		try {
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			List<java.util.concurrent.Future<HttpResponse<String>>> answers = new java.util.ArrayList<>();
			for (int i = 1; i <= count; i++) {
				// a case of its own (order, task, records, diagnosis); the same patient and referrer
				String another = bundle.replace("-26-0419", "-26-0419-" + i).replace("DOC-L", "DOC-" + i + "-L")
						.replace("COND-L", "COND-" + i + "-L");
				answers.add(threads.submit(() -> {
					start.await();
					return post("", "application/fhir+json", another);
				}));
			}
			start.countDown();
			List<String> tasks = new java.util.ArrayList<>();
			for (var answer : answers) {
				HttpResponse<String> response = answer.get();
				assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
				Bundle stored = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
				stored.getEntry().stream().map(entry -> entry.getResponse().getLocation())
						.filter(location -> location.startsWith("Task/"))
						.map(location -> new org.hl7.fhir.r4.model.IdType(location).toUnqualifiedVersionless().getValue())
						.forEach(tasks::add);
			}
			assertThat(tasks).hasSize(count);
			return tasks;
		} finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aCriteriaSubscriptionReceivesTheFinalOpinionAsAFullResource() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		String patient = createPatientOf(sample.file("06-lipoma-request.json"));
		subscribe(TestSubscriptions.criteria("DiagnosticReport?status=final&patient=" + patient, receiver.url("/ehr")));

		assertThat(post("", "application/fhir+json", sample.file("06-lipoma-request.json")).statusCode()).isEqualTo(200);
		// the lipoma case goes to the MSK radiologist, who writes its opinion
		assertThat(as(expertToken("expert-herrera"), "POST", "", sample.file("07-lipoma-opinion.json")).statusCode()).isEqualTo(200);

		NotificationReceiver.Received received = awaitExactly("/ehr/DiagnosticReport/" + opinionOf(patient).getIdPart(), 1).get(0);
		assertThat(received.method()).isEqualTo("PUT");
		assertThat(received.header("Authorization")).isEqualTo("Bearer ehr-secret");
		DiagnosticReport opinion = FHIR.newJsonParser().parseResource(DiagnosticReport.class, received.body());
		assertThat(opinion.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
		assertThat(opinion.getSubject().getReference()).isEqualTo(patient);
	}

	@Test
	void aNotificationOutlastsAnEndpointOutageLongerThanHapisOwnRetriesAndArrivesOnce() {
		String system = newPatientSystem();
		String subscription = subscribeToPatientsOf(system);
		receiver.goDown();

		String id = createPatient(system);
		// HAPI's own delivery gives up after a few attempts; ours keeps trying (here every 0.5 s at most)
		Instant deadline = Instant.now().plus(WAIT);
		while (receiver.refusedCount() < 12 && Instant.now().isBefore(deadline)) {
			NotificationReceiver.pause(Duration.ofMillis(100));
		}
		assertThat(receiver.refusedCount()).isGreaterThanOrEqualTo(12);
		ParametersParameterComponent pending = deliveryLog(subscription).getParameterFirstRep();
		assertThat(part(pending, "status")).isEqualTo("pending");
		assertThat(part(pending, "lastError"))
				.isEqualTo("HTTP 503 from " + receiver.url("/ehr") + ": " + NotificationReceiver.DOWN_ANSWER);

		receiver.comeBack();

		assertThat(awaitExactly("/ehr/Patient/" + id, 1)).hasSize(1);
		ParametersParameterComponent delivered = deliveryLog(subscription).getParameterFirstRep();
		assertThat(part(delivered, "status")).isEqualTo("delivered");
		assertThat(Integer.parseInt(part(delivered, "attempts"))).isGreaterThan(12);
		assertThat(part(delivered, "focus")).isEqualTo("Patient/" + id + "/_history/1");
	}

	@Test
	void theDeliveryLogSaysAConnectionWasRefusedAndWhere() {
		NotificationReceiver gone = NotificationReceiver.start();
		String endpoint = gone.url("/ehr");
		gone.close();
		String system = newPatientSystem();
		String subscription = subscribe(TestSubscriptions.criteria("Patient?identifier=" + system + "|", endpoint));
		try {
			createPatient(system);
			Instant deadline = Instant.now().plus(WAIT);
			String lastError = null;
			while (lastError == null && Instant.now().isBefore(deadline)) {
				List<ParametersParameterComponent> log = deliveryLog(subscription).getParameter();
				lastError = log.isEmpty() ? null : part(log.get(0), "lastError");
				NotificationReceiver.pause(Duration.ofMillis(100));
			}
			assertThat(lastError).isEqualTo("Connection refused: " + endpoint);
		} finally {
			client().delete().resourceById(new org.hl7.fhir.r4.model.IdType(subscription)).execute();
		}
	}

	@Test
	void notificationsOfADeletedSubscriptionAreCancelledNotSent() {
		String system = newPatientSystem();
		String subscription = subscribeToPatientsOf(system);
		receiver.goDown();
		String id = createPatient(system);
		awaitLogStatus(subscription, "pending");

		client().delete().resourceById(new org.hl7.fhir.r4.model.IdType(subscription)).execute();
		Instant deadline = Instant.now().plus(WAIT);
		while (registry.get(new org.hl7.fhir.r4.model.IdType(subscription).getIdPart()) != null && Instant.now().isBefore(deadline)) {
			NotificationReceiver.pause(Duration.ofMillis(50));
		}
		receiver.comeBack();

		awaitLogStatus(subscription, "cancelled");
		NotificationReceiver.pause(QUIET);
		assertThat(receiver.received("/ehr/Patient/" + id)).isEmpty();
	}

	@Test
	void theDeliveryLogFiltersByStatusAndRefusesAnUnknownOne() {
		String system = newPatientSystem();
		String subscription = subscribeToPatientsOf(system);
		createPatient(system);
		awaitLogStatus(subscription, "delivered");

		// the log of every subscription is the centre's; an EHR reads its own subscription's
		HttpResponse<String> byEhr = send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create(baseUrl() + "/Subscription/$delivery-log")).GET().build());
		assertThat(byEhr.statusCode()).isEqualTo(403);
		assertThat(byEhr.body()).contains("[delivery-log-of-own-subscription]");
		Parameters delivered = coordinator().operation().onType(Subscription.class).named("$delivery-log")
				.withParameter(Parameters.class, "status", new org.hl7.fhir.r4.model.CodeType("delivered"))
				.useHttpGet().execute();
		assertThat(delivered.getParameter()).isNotEmpty()
				.allSatisfy(notification -> assertThat(part(notification, "status")).isEqualTo("delivered"));
		HttpResponse<String> unknown = as(coordinatorToken(), "GET", "/Subscription/$delivery-log?status=lost", null);
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("OperationOutcome").contains("pending, delivered, failed, cancelled");
	}

	// --- the case walk: incomplete request, records, question, answer, opinion (samples 08-12) ---

	private void walkTheIncompleteCase(SampleCase sample) {
		assertThat(post("", "application/fhir+json", sample.file("08-incomplete-request.json")).statusCode()).isEqualTo(200);
		assertThat(post("", "application/fhir+json", sample.file("09-incomplete-add-pathology.json")).statusCode()).isEqualTo(200);
		ServiceRequest request = request(sample);
		String osei = expert("expert-osei");
		if (!osei.equals(task(request).getOwner().getReference())) {
			Parameters toOsei = new Parameters();
			toOsei.addParameter().setName("expert").setValue(new Reference(osei));
			coordinator().operation().onInstance(request.getIdElement().toUnqualifiedVersionless())
					.named("$assign").withParameters(toOsei).returnResourceType(Task.class).execute();
		}
		for (String step : List.of("10-incomplete-expert-question.json", "11-incomplete-referrer-answer.json", "12-incomplete-opinion.json")) {
			// the expert asks and gives the opinion, the referrer answers
			HttpResponse<String> response = step.startsWith("11-") ? post("", "application/fhir+json", sample.file(step))
					: as(expertToken("expert-osei"), "POST", "", sample.file(step));
			assertThat(response.statusCode()).as(step + ": " + response.body()).isEqualTo(200);
		}
	}

	/**
	 * Stores the bundle's Patient (and the Organization it names) first, so that a subscription can
	 * name the patient before the case arrives; the case's conditional create then finds it.
	 */
	private String createPatientOf(String bundleJson) {
		return createOnly(bundleJson, Set.of("Patient", "Organization"));
	}

	/** As {@link #createPatientOf}, with the referring practitioner too: cases submitted at once then share them. */
	private String createReferrerAndPatientOf(String bundleJson) {
		return createOnly(bundleJson, Set.of("Patient", "Organization", "Practitioner", "PractitionerRole"));
	}

	private String createOnly(String bundleJson, Set<String> types) {
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, bundleJson);
		bundle.getEntry().removeIf(entry -> !types.contains(entry.getResource().fhirType()));
		Bundle stored = client().transaction().withBundle(bundle).execute();
		return stored.getEntry().stream()
				.map(entry -> entry.getResponse().getLocation())
				.filter(location -> location.startsWith("Patient/"))
				.map(location -> new org.hl7.fhir.r4.model.IdType(location).toUnqualifiedVersionless().getValue())
				.findFirst().orElseThrow();
	}

	// --- the simplest event: a Patient created under an identifier system made up for one test ---

	private static String newPatientSystem() {
		return "https://" + UUID.randomUUID() + ".example.org/id/patient";
	}

	/** A criteria subscription, full resource, to the receiver's /ehr: PUT /ehr/Patient/[id] per patient. */
	private String subscribeToPatientsOf(String system) {
		return subscribe(TestSubscriptions.criteria("Patient?identifier=" + system + "|", receiver.url("/ehr")));
	}

	private String createPatient(String system) {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(system).setValue(UUID.randomUUID().toString());
		return client().create().resource(patient).execute().getId().getIdPart();
	}

	private String subscribe(Subscription subscription) {
		String id = client().create().resource(subscription).execute().getId().toUnqualifiedVersionless().getValue();
		TestSubscriptions.awaitRegistered(registry, id, WAIT, "subscription active");
		return id;
	}

	private List<NotificationReceiver.Received> awaitExactly(String path, int count) {
		receiver.awaitReceived(path, received -> received.size() >= count, WAIT);
		NotificationReceiver.pause(QUIET);
		List<NotificationReceiver.Received> received = receiver.received(path);
		assertThat(received).as("notifications at " + path).hasSize(count);
		return received;
	}

	/** The focus of a topic notification, from its SubscriptionStatus (the first entry). */
	private static String focusOf(NotificationReceiver.Received notification) {
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, notification.body());
		Parameters status = (Parameters) bundle.getEntryFirstRep().getResource();
		ParametersParameterComponent event = status.getParameter().stream()
				.filter(p -> p.getName().equals("notification-event")).findFirst().orElseThrow();
		return ((Reference) event.getPart().stream().filter(p -> p.getName().equals("focus")).findFirst().orElseThrow()
				.getValue()).getReference();
	}

	private static long eventNumberOf(NotificationReceiver.Received notification) {
		return Long.parseLong(notificationEventOf(notification).getPart().stream()
				.filter(p -> p.getName().equals("event-number")).findFirst().orElseThrow().getValue().primitiveValue());
	}

	private static long eventsSinceStartOf(NotificationReceiver.Received notification) {
		return Long.parseLong(statusOf(notification).getParameter("events-since-subscription-start").getValue().primitiveValue());
	}

	private static ParametersParameterComponent notificationEventOf(NotificationReceiver.Received notification) {
		return statusOf(notification).getParameter("notification-event");
	}

	/** A topic notification's SubscriptionStatus (R4: Parameters), its first entry. */
	private static Parameters statusOf(NotificationReceiver.Received notification) {
		Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, notification.body());
		return (Parameters) bundle.getEntryFirstRep().getResource();
	}

	/** Versions of the Task whose status or business status differ from the version before (the first counts). */
	private List<Long> statusChangeVersionsOf(String task) {
		Bundle history = client().history().onInstance(new org.hl7.fhir.r4.model.IdType(task)).returnBundle(Bundle.class).execute();
		List<Task> versions = history.getEntry().stream()
				.map(entry -> (Task) entry.getResource())
				.sorted(java.util.Comparator.comparing(t -> t.getIdElement().getVersionIdPartAsLong()))
				.toList();
		List<Long> changes = new java.util.ArrayList<>();
		String before = null;
		for (Task version : versions) {
			String state = version.getStatus().toCode() + "|" + version.getBusinessStatus().getCodingFirstRep().getCode();
			if (!state.equals(before)) {
				changes.add(version.getIdElement().getVersionIdPartAsLong());
			}
			before = state;
		}
		return changes;
	}

	private Parameters deliveryLog(String subscription) {
		return client().operation().onInstance(new org.hl7.fhir.r4.model.IdType(subscription)).named("$delivery-log")
				.withNoParameters(Parameters.class).useHttpGet().execute();
	}

	private void awaitLogStatus(String subscription, String status) {
		Instant deadline = Instant.now().plus(WAIT);
		while (Instant.now().isBefore(deadline)) {
			List<ParametersParameterComponent> log = deliveryLog(subscription).getParameter();
			if (!log.isEmpty() && status.equals(part(log.get(0), "status"))) {
				return;
			}
			NotificationReceiver.pause(Duration.ofMillis(100));
		}
		throw new AssertionError("No notification of " + subscription + " became " + status);
	}

	private static String part(ParametersParameterComponent notification, String name) {
		return notification.getPart().stream().filter(p -> p.getName().equals(name)).findFirst()
				.map(p -> p.getValue() instanceof Reference reference ? reference.getReference() : p.getValue().primitiveValue())
				.orElse(null);
	}

	private ServiceRequest request(SampleCase sample) {
		Bundle found = client().search()
				.byUrl("ServiceRequest?identifier=" + UrlUtil.escapeUrlParam(sample.orderSystem() + "|"))
				.returnBundle(Bundle.class).execute();
		return (ServiceRequest) found.getEntryFirstRep().getResource();
	}

	private Task task(ServiceRequest request) {
		Bundle found = client().search()
				.byUrl("Task?focus=" + request.getIdElement().toUnqualifiedVersionless().getValue())
				.returnBundle(Bundle.class).execute();
		return (Task) found.getEntryFirstRep().getResource();
	}

	private org.hl7.fhir.r4.model.IdType opinionOf(String patient) {
		Bundle found = client().search().byUrl("DiagnosticReport?patient=" + patient).returnBundle(Bundle.class).execute();
		return ((Resource) found.getEntryFirstRep().getResource()).getIdElement().toUnqualifiedVersionless();
	}

	private String expert(String identifier) {
		Bundle found = client().search()
				.byUrl("PractitionerRole?identifier=" + UrlUtil.escapeUrlParam("https://second-opinion.example.org/fhir/id/expert|" + identifier))
				.returnBundle(Bundle.class).execute();
		return ((PractitionerRole) found.getEntryFirstRep().getResource()).getIdElement().toUnqualifiedVersionless().getValue();
	}
}

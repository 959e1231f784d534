package org.example.secondopinion.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.util.UrlUtil;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.example.secondopinion.Http;
import org.example.secondopinion.TestDatabase;
import org.example.secondopinion.TestServers;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.notify.NotificationReceiver;
import org.example.secondopinion.notify.TestSubscriptions;
import org.example.secondopinion.samples.SampleBundles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two server nodes on one PostgreSQL database, as behind a load balancer: what one node writes the
 * other sees at once, a case can move between them, each notification goes out exactly once whichever
 * node matched it, and identical conditional creates sent to both still create one resource.
 */
class TwoNodesIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Duration WAIT = Duration.ofSeconds(60);

	private static ConfigurableApplicationContext nodeA;
	private static ConfigurableApplicationContext nodeB;
	private static NotificationReceiver ehr;

	@BeforeAll
	static void startTwoNodesOnOneDatabase() throws Exception {
		String database = TestDatabase.newPostgreSqlDatabase();
		nodeA = start(database, "a"); // the first creates the schema and stores the guide; the second finds both
		nodeB = start(database, "b");
		ehr = NotificationReceiver.start();
		post(nodeA, "", SampleBundles.read(SampleBundles.FOLDER.resolve("01-expert-directory.json")));
	}

	@AfterAll
	static void stopNodes() {
		ehr.close();
		nodeB.close();
		nodeA.close();
	}

	@Test
	void aCaseSubmittedOnOneNodeIsCompletedOnTheOtherAndEachSeesTheOthersChangesAtOnce() {
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		assertThat(post(nodeA, "", sample.file("06-lipoma-request.json")).statusCode()).isEqualTo(200);
		assertThat(task(nodeB, sample).getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("assigned");

		HttpResponse<String> opinion = post(nodeB, "", sample.file("07-lipoma-opinion.json"));

		assertThat(opinion.statusCode()).as(opinion.body()).isEqualTo(200);
		assertThat(task(nodeA, sample).getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("completed");
		assertThat(request(nodeA, sample).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
		HttpResponse<String> secondFinal = post(nodeA, "", sample.file("07-lipoma-opinion.json").replace("SO-", "SO2-"));
		assertThat(secondFinal.statusCode()).as("the case rules hold across nodes").isEqualTo(409);
	}

	@Test
	void eachNotificationIsDeliveredExactlyOnceWhicheverNodeMatchedIt() {
		String system = "https://" + UUID.randomUUID() + ".example.org/id/patient";
		Subscription subscription = TestSubscriptions.criteria("Patient?identifier=" + system + "|", ehr.url("/two-nodes"));
		String id = client(nodeA).create().resource(subscription).execute().getId().getIdPart();
		awaitRegistered(nodeA, id);
		awaitRegistered(nodeB, id); // the other node learns of it by its registry refresh

		List<String> patients = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			Patient patient = new Patient();
			patient.addIdentifier().setSystem(system).setValue("P-" + i);
			patients.add(client(i % 2 == 0 ? nodeA : nodeB).create().resource(patient).execute().getId().getIdPart());
		}

		for (String patient : patients) {
			ehr.awaitReceived("/two-nodes/Patient/" + patient, received -> !received.isEmpty(), WAIT);
		}
		NotificationReceiver.pause(Duration.ofSeconds(3)); // time for a duplicate to show up, if there were one
		for (String patient : patients) {
			assertThat(ehr.received("/two-nodes/Patient/" + patient)).as("Patient/" + patient).hasSize(1);
		}
	}

	@Test
	void identicalConditionalCreatesSentToBothNodesAtOnceCreateOneResource() throws Exception {
		String identifier = "https://two-nodes.example.org/id/patient|" + UUID.randomUUID();
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(identifier.split("\\|")[0]).setValue(identifier.split("\\|")[1]);
		String body = FHIR.newJsonParser().encodeResourceToString(patient);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<HttpResponse<String>>> answers = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				ConfigurableApplicationContext node = i % 2 == 0 ? nodeA : nodeB;
				answers.add(pool.submit(() -> Http.send(HttpRequest.newBuilder(URI.create(base(node) + "/Patient"))
						.header("Content-Type", "application/fhir+json")
						.header("If-None-Exist", "identifier=" + identifier)
						.POST(HttpRequest.BodyPublishers.ofString(body)).build())));
			}
			for (Future<HttpResponse<String>> answer : answers) {
				assertThat(answer.get().statusCode()).as(answer.get().body()).isIn(200, 201);
			}
		} finally {
			pool.shutdown();
		}
		Bundle found = client(nodeB).search().byUrl("Patient?identifier=" + UrlUtil.escapeUrlParam(identifier))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
	}

	private static ConfigurableApplicationContext start(String database, String node) throws Exception {
		return TestServers.start(TestDatabase.postgreSqlArguments(database),
				Files.createTempDirectory(Path.of("target"), "node-" + node + "-"));
	}

	private static void awaitRegistered(ConfigurableApplicationContext node, String subscription) {
		TestSubscriptions.awaitRegistered(node.getBean(SubscriptionRegistry.class), subscription, WAIT, "subscription active on this node");
	}

	private static String base(ConfigurableApplicationContext node) {
		return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/fhir";
	}

	private static IGenericClient client(ConfigurableApplicationContext node) {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		return FHIR.newRestfulGenericClient(base(node));
	}

	private static HttpResponse<String> post(ConfigurableApplicationContext node, String path, String body) {
		return Http.send(HttpRequest.newBuilder(URI.create(base(node) + path))
				.header("Content-Type", "application/fhir+json")
				.timeout(Duration.ofMinutes(2))
				.POST(HttpRequest.BodyPublishers.ofString(body)).build());
	}

	private static ServiceRequest request(ConfigurableApplicationContext node, SampleCase sample) {
		Bundle found = client(node).search()
				.byUrl("ServiceRequest?identifier=" + UrlUtil.escapeUrlParam(sample.orderSystem() + "|"))
				.returnBundle(Bundle.class).execute();
		return (ServiceRequest) found.getEntryFirstRep().getResource();
	}

	private static Task task(ConfigurableApplicationContext node, SampleCase sample) {
		Bundle found = client(node).search()
				.byUrl("Task?focus=" + request(node, sample).getIdElement().toUnqualifiedVersionless().getValue())
				.returnBundle(Bundle.class).execute();
		return (Task) found.getEntryFirstRep().getResource();
	}
}

package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.samples.SampleBundles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The sample subscriptions are valid and become active as they are; endpoints a notification must
 * never go to are refused with 422 and nothing is stored; our four topics are served.
 */
class SubscriptionRulesIT extends FhirServerIT {

	private static final Path SAMPLES = SampleBundles.FOLDER.resolve("subscriptions");

	@Autowired
	private SubscriptionRegistry registry;

	static Stream<Path> sampleSubscriptions() {
		try (Stream<Path> files = Files.list(SAMPLES)) {
			return files.filter(file -> file.toString().endsWith(".json")).sorted().toList().stream();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@ParameterizedTest
	@MethodSource("sampleSubscriptions")
	void eachSampleSubscriptionIsValidAndBecomesActive(Path file) {
		String json = SampleBundles.read(file);
		HttpResponse<String> validation = post("/Subscription/$validate", "application/fhir+json", json);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, validation.body());
		assertThat(outcome.getIssue())
				.as(file.getFileName() + ": " + validation.body())
				.noneMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR
						|| issue.getSeverity() == OperationOutcome.IssueSeverity.FATAL);

		HttpResponse<String> created = post("/Subscription", "application/fhir+json", json);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = FHIR.newJsonParser().parseResource(Subscription.class, created.body()).getIdElement().getIdPart();
		try {
			TestSubscriptions.awaitRegistered(registry, id, Duration.ofSeconds(30), file.getFileName() + " active");
		} finally {
			// the sample endpoint does not exist: do not leave it subscribed for the other tests
			client().delete().resourceById(new IdType("Subscription", id)).execute();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = {
		"http://ehr.northgate-hospital.example.org/notifications", // plain http outside localhost
		"https://attacker.example.net/collect", // host not allowed
		"https://169.254.169.254/latest/meta-data", // cloud metadata address
		"https://user:secret@ehr.northgate-hospital.example.org/notifications", // credentials in the URL
		"ftp://ehr.northgate-hospital.example.org/notifications",
		"not a url"
	})
	void anEndpointOutsideTheAllowedHostsIsRefusedAndNothingIsStored(String endpoint) {
		int before = count("Subscription");
		Subscription subscription = TestSubscriptions.criteria("Patient?active=true", endpoint);

		HttpResponse<String> response = post("/Subscription", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(subscription));

		assertThat(response.statusCode()).isEqualTo(422);
		OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Subscription.channel.endpoint");
		assertThat(count("Subscription")).isEqualTo(before);
	}

	@Test
	void aTransactionWithARefusedSubscriptionStoresNothing() {
		int before = count("Subscription");
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (String endpoint : List.of("http://localhost:9/fine", "https://attacker.example.net/collect")) {
			transaction.addEntry().setResource(TestSubscriptions.criteria("Patient?active=true", endpoint))
					.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Subscription");
		}

		HttpResponse<String> response = post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(transaction));

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(count("Subscription")).isEqualTo(before);
	}

	@Test
	void movingAnAcceptedSubscriptionToAForbiddenEndpointIsRefused() {
		Subscription subscription = TestSubscriptions.criteria("Patient?active=true", "http://localhost:9/fine");
		IdType id = (IdType) client().create().resource(subscription).execute().getId().toUnqualifiedVersionless();
		// accepted: HAPI has activated it (an update of its own), so the edits below do not race that update
		TestSubscriptions.awaitRegistered(registry, id.getValue(), Duration.ofSeconds(30), "subscription active");
		Subscription stored = client().read().resource(Subscription.class).withId(id).execute();
		stored.getChannel().setEndpoint("https://attacker.example.net/collect");

		HttpResponse<String> response = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/" + id.getValue()))
				.header("Content-Type", "application/fhir+json")
				.PUT(java.net.http.HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(stored)))
				.build());

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(client().read().resource(Subscription.class).withId(id).execute().getChannel().getEndpoint())
				.isEqualTo("http://localhost:9/fine");
		client().delete().resourceById(id).execute();
	}

	@Test
	void ourFourTopicsAreServedAsR4SubscriptionTopics() {
		Bundle topics = client().search()
				.byUrl("Basic?code=http://hl7.org/fhir/fhir-types|SubscriptionTopic")
				.returnBundle(Bundle.class).execute();
		assertThat(topics.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart())
				.contains("so-topic-opinion-issued", "so-topic-case-status-changed", "so-topic-records-requested",
						"so-topic-question-asked");
	}
}

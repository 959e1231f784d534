package org.example.secondopinion.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ca.uhn.fhir.util.UrlUtil;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** An EHR's retries of the same request never create a second one, even when they arrive at once. */
class ConditionalCreateIT extends FhirServerIT {

	private static final String SYSTEM = "https://retrying-ehr.example.org/id/patient";

	@Test
	void aRetriedConditionalCreateReturnsTheFirstResource() {
		String value = UUID.randomUUID().toString();
		Patient patient = patient(value);

		MethodOutcome first = client().create().resource(patient).conditionalByUrl(matchUrl(value)).execute();
		MethodOutcome retry = client().create().resource(patient).conditionalByUrl(matchUrl(value)).execute();

		assertThat(first.getCreated()).isTrue();
		assertThat(retry.getCreated()).isNotEqualTo(Boolean.TRUE);
		assertThat(retry.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
		assertThat(count(matchUrl(value))).isEqualTo(1);
	}

	@Test
	void eightParallelRetriesCreateOneResourceAndAllSucceed() throws Exception {
		String value = UUID.randomUUID().toString();
		String body = FHIR.newJsonParser().encodeResourceToString(patient(value));
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient"))
				.header("Content-Type", "application/fhir+json")
				.header("If-None-Exist", "identifier=" + UrlUtil.escapeUrlParam(SYSTEM + "|" + value))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();

		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		logs.start();
		root.addAppender(logs);
		List<HttpResponse<String>> responses;
		try {
			responses = sendAtOnce(8, request);
		} finally {
			root.detachAppender(logs);
		}

		assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200, 201).containsOnlyOnce(201);
		assertThat(count(matchUrl(value))).isEqualTo(1);
		// the handled race is no alarm for an operator, and its match URL (a patient's identifier) stays out of the logs
		assertThat(logs.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
				.extracting(ILoggingEvent::getFormattedMessage)
				.noneMatch(message -> message.contains("HFJ_RES_SEARCH_URL") || message.contains("23505") || message.contains(value));
		assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).as("the losers of the race, at INFO")
				.anyMatch(message -> message.contains("met an identical one at the same moment"));
	}

	@Test
	void eightParallelRetriesOfATransactionCreateEachResourceOnce() throws Exception {
		String value = UUID.randomUUID().toString();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry()
				.setFullUrl("urn:uuid:" + UUID.randomUUID())
				.setResource(patient(value))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient")
				.setIfNoneExist("identifier=" + SYSTEM + "|" + value);
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl()))
				.header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(transaction)))
				.build();

		List<HttpResponse<String>> responses = sendAtOnce(8, request);

		assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
		assertThat(count(matchUrl(value))).isEqualTo(1);
	}

	@Test
	void anUpdateOfAVersionThatIsNoLongerCurrentIsAPreconditionFailure() {
		Patient patient = patient(UUID.randomUUID().toString());
		String id = client().create().resource(patient).execute().getId().getIdPart();
		patient.setId(id);
		patient.setActive(true);
		client().update().resource(patient).execute(); // version 2
		patient.setActive(false);

		HttpResponse<String> stale = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient/" + id))
				.header("Content-Type", "application/fhir+json")
				.header("If-Match", "W/\"1\"")
				.PUT(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(patient)))
				.build());

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(patient).getRequest()
				.setMethod(Bundle.HTTPVerb.PUT).setUrl("Patient/" + id).setIfMatch("W/\"1\"");
		HttpResponse<String> staleEntry = post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(transaction));

		assertThat(stale.statusCode()).as(stale.body()).isEqualTo(412);
		assertThat(stale.body()).contains("OperationOutcome").contains("not the current version");
		assertThat(staleEntry.statusCode()).as(staleEntry.body()).isEqualTo(412);
		assertThat(client().read().resource(Patient.class).withId(id).execute().getMeta().getVersionId()).isEqualTo("2");
	}

	private List<HttpResponse<String>> sendAtOnce(int times, HttpRequest request) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(times);
		try {
			List<Future<HttpResponse<String>>> futures = IntStream.range(0, times)
					.mapToObj(i -> pool.submit(() -> send(request)))
					.toList();
			return futures.stream().map(ConditionalCreateIT::await).toList();
		} finally {
			pool.shutdownNow();
		}
	}

	private static HttpResponse<String> await(Future<HttpResponse<String>> future) {
		try {
			return future.get();
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	private static String matchUrl(String value) {
		return "Patient?identifier=" + UrlUtil.escapeUrlParam(SYSTEM + "|" + value);
	}

	private static Patient patient(String value) {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(SYSTEM).setValue(value);
		patient.addName().setFamily("Retry").addGiven("Rita");
		return patient;
	}
}

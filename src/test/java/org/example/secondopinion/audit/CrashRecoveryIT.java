package org.example.secondopinion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.example.secondopinion.Http;
import org.example.secondopinion.ServerProcess;
import org.example.secondopinion.TestDatabase;
import org.example.secondopinion.benchmark.PlainCase;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;

/**
 * A server killed (SIGKILL) while EHRs send it case bundles holds, once started again, every case it
 * acknowledged, whole, each resource with the audit record of its creation.
 */
class CrashRecoveryIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final int CLIENTS = 4;
	private static final int ACKNOWLEDGED_BEFORE_KILL = 24;

	@Test
	void everyCaseAcknowledgedBeforeACrashIsStoredWholeWithTheAuditRecordsOfItsWrites() throws Exception {
		Path dataDir = Files.createTempDirectory(Path.of("target"), "crash-data-");
		List<String> database = TestDatabase.serverArguments(); // the same database for both starts
		List<List<String>> acknowledged = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger unanswered = new AtomicInteger();

		try (ServerProcess server = ServerProcess.start("1g", dataDir, dataDir.resolve("before-crash.log"), database)) {
			AtomicBoolean sending = new AtomicBoolean(true);
			AtomicInteger number = new AtomicInteger();
			ExecutorService ehrs = Executors.newFixedThreadPool(CLIENTS);
			for (int i = 0; i < CLIENTS; i++) {
				ehrs.submit(() -> {
					while (sending.get()) {
						try {
							HttpResponse<String> answer = post(server.baseUrl(), PlainCase.bundle(number.incrementAndGet()));
							if (answer.statusCode() == 200) {
								acknowledged.add(locations(answer.body()));
							}
						} catch (RuntimeException killedMidRequest) {
							unanswered.incrementAndGet();
						}
					}
				});
			}
			Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
			while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL && Instant.now().isBefore(deadline)) {
				Thread.sleep(20);
			}
			server.kill(); // while the clients keep sending
			sending.set(false);
			ehrs.shutdown();
			assertThat(ehrs.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
		}
		assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
		System.out.printf("Killed with %d cases acknowledged and %d requests unanswered%n", acknowledged.size(), unanswered.get());

		try (ServerProcess server = ServerProcess.start("1g", dataDir, dataDir.resolve("after-crash.log"), database)) {
			List<String> missing = new ArrayList<>();
			List<String> unaudited = new ArrayList<>();
			for (List<String> stored : List.copyOf(acknowledged)) {
				for (String location : stored) {
					if (get(server.baseUrl(), "/" + location).statusCode() != 200) {
						missing.add(location);
					}
					HttpResponse<String> trail = get(server.baseUrl(), "/AuditEvent?action=C&entity=" + location);
					if (FHIR.newJsonParser().parseResource(Bundle.class, trail.body()).getEntry().isEmpty()) {
						unaudited.add(location);
					}
				}
			}
			assertThat(missing).as("acknowledged, then lost (of %d cases acknowledged: %s)", acknowledged.size(), acknowledged).isEmpty();
			assertThat(unaudited).as("stored without the audit record of its creation").isEmpty();
		}
	}

	/** The stored resources a transaction's answer names, as {@code Type/id}. */
	private static List<String> locations(String transactionResponse) {
		Bundle response = FHIR.newJsonParser().parseResource(Bundle.class, transactionResponse);
		return response.getEntry().stream().map(entry -> new IdType(entry.getResponse().getLocation()))
				.map(id -> id.getResourceType() + "/" + id.getIdPart()).toList();
	}

	private static HttpResponse<String> post(String base, String bundle) {
		return Http.send(HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(bundle)).build());
	}

	private static HttpResponse<String> get(String base, String path) {
		return Http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
				.header("Accept", "application/fhir+json").GET().build());
	}
}

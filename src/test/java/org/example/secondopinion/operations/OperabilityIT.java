package org.example.secondopinion.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.example.secondopinion.FhirServerIT;
import org.junit.jupiter.api.Test;

/** What a load balancer and an operator read: liveness, readiness and Prometheus metrics. */
class OperabilityIT extends FhirServerIT {

	@Test
	void livenessAndReadinessAreUp() {
		assertThat(get("/actuator/health/liveness").body()).contains("\"UP\"");
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(200);
		assertThat(readiness.body()).contains("\"UP\"");
	}

	@Test
	void prometheusMetricsCoverRequestsTheDatabasePoolAndTheJvm() {
		client().capabilities().ofType(org.hl7.fhir.r4.model.CapabilityStatement.class).execute();

		String metrics = get("/actuator/prometheus").body();

		assertThat(metrics).contains("fhir_server_requests_seconds_count").contains("hikaricp_connections_active")
				.contains("jvm_memory_used_bytes");
	}

	@Test
	void noSecondApiDescriptionIsPublishedBesideTheCapabilityStatement() {
		// springdoc came with HAPI and answered an authenticated caller at /v3/api-docs with an empty OpenAPI document
		assertThat(get("/v3/api-docs").statusCode()).isEqualTo(404);
		assertThat(get("/swagger-ui.html").statusCode()).isEqualTo(404);
	}

	private HttpResponse<String> get(String path) {
		return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build());
	}
}

package org.example.secondopinion;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.util.stream.Collectors;
import org.example.secondopinion.access.ResourceKinds;
import org.example.secondopinion.security.TestTokens;
import org.junit.jupiter.api.BeforeEach;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the HTTP-level tests: the real server on a random port, on its own H2 file database (or
 * PostgreSQL database, see {@link TestDatabase}).
 * Every subclass uses the same configuration, so Spring starts the server once for all of them.
 */
@AutoConfigureObservability // metrics export as in production (Spring Boot tests turn it off by default)
@SpringBootTest(
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = {
			"second-opinion.data-dir=./target/it-data/${random.uuid}",
			"logging.level.root=WARN",
			// tests run their own notification receivers on http://localhost
			"second-opinion.notifications.development=true",
			"second-opinion.notifications.allowed-hosts=*.example.org",
			// retries in tenths of a second rather than minutes, so an outage fits in a test
			"second-opinion.notifications.retry.initial-delay=100ms",
			"second-opinion.notifications.retry.multiplier=1.5",
			"second-opinion.notifications.retry.max-delay=500ms",
			"second-opinion.notifications.poll-interval=200ms",
			// the sample people as client-secret clients, so that most tests need no browser to sign in
			"second-opinion.security.development-authorization-server.users-as-secret-clients=true"
		})
public abstract class FhirServerIT {

	protected static final FhirContext FHIR = FhirContext.forR4Cached();

	/** What a sample expert asks for: its cases and their records, the patient's history, its opinions and messages, the value sets of its pick lists. */
	protected static final String EXPERT_SCOPES = "user/ServiceRequest.rs user/Task.rus user/Patient.rs user/Communication.crs "
			+ "user/DiagnosticReport.crus user/Practitioner.rs user/PractitionerRole.rs user/Organization.rs user/ValueSet.rs user/Bundle.rs "
			+ ResourceKinds.CLINICAL_RECORD.stream().filter(type -> !"DiagnosticReport".equals(type))
					.map(type -> "user/" + type + ".rs").collect(Collectors.joining(" "));

	@LocalServerPort
	protected int port;


	@Autowired
	void holdTheDatabase(ConfigurableApplicationContext server) {
		TestDatabase.inUseBy(server);
	}

	/** The test harness's own client at the development authorization server, with its key made for this run. */
	@DynamicPropertySource
	static void harnessClient(DynamicPropertyRegistry registry) {
		String client = "second-opinion.security.development-authorization-server.extra-clients[0].";
		registry.add(client + "client-id", () -> TestTokens.HARNESS_CLIENT);
		registry.add(client + "role", () -> "ehr");
		registry.add(client + "organization", () -> TestTokens.HARNESS_ORGANIZATION);
		registry.add(client + "scopes[0]", () -> TestTokens.HARNESS_SCOPES);
		registry.add(client + "jwks", TestTokens::harnessJwks);
	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		if (TestDatabase.isPostgreSql()) {
			String url = TestDatabase.newPostgreSqlDatabase();
			registry.add("spring.datasource.url", () -> url);
			registry.add("spring.datasource.username", () -> "postgres");
			registry.add("spring.datasource.password", () -> "");
			registry.add("spring.datasource.driver-class-name", () -> "org.postgresql.Driver");
			registry.add("spring.jpa.properties.hibernate.dialect", () -> "ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect");
		}
	}

	protected String origin() {
		return "http://localhost:" + port;
	}

	protected String baseUrl() {
		return origin() + "/fhir";
	}

	/** Every request of a test carries the harness's token unless the test sets its own Authorization. */
	@BeforeEach
	void authorizeTheHarness() {
		String origin = origin();
		Http.authorize(origin, () -> "Bearer " + TestTokens.harness(origin));
	}

	/** A FHIR client with the harness's token (all scopes). */
	protected IGenericClient client() {
		IGenericClient client = anonymousClient();
		client.registerInterceptor(new BearerTokenAuthInterceptor(TestTokens.harness(origin())));
		return client;
	}

	/** A FHIR client with the sample coordinator's token: sees every case, assigns and rejects them, keeps the directory. */
	protected IGenericClient coordinator() {
		return clientWithToken(coordinatorToken());
	}

	protected String coordinatorToken() {
		return tokenWithSecret("coordinator", "dev-coordinator",
				"user/*.rs user/ServiceRequest.u user/Task.u user/PractitionerRole.cru user/Practitioner.cru user/Organization.cru");
	}

	/** An access token of one of the development stand-ins with a client secret (experts, coordinator, patient). */
	protected String tokenWithSecret(String clientId, String secret, String scopes) {
		HttpResponse<String> answer = TestTokens.requestTokenWithSecret(origin(), clientId, secret, scopes);
		if (answer.statusCode() != 200) {
			throw new IllegalStateException("No token for " + clientId + ": " + answer.statusCode() + " " + answer.body());
		}
		return TestTokens.field(answer.body(), "access_token");
	}

	/**
	 * The token of a sample expert ({@code expert-osei}, ...) with {@link #EXPERT_SCOPES}: only the
	 * expert assigned to a case writes its opinion.
	 */
	protected String expertToken(String expert) {
		return tokenWithSecret(expert, "dev-" + expert, EXPERT_SCOPES);
	}

	/** A FHIR client with a token of the test's choosing. */
	protected IGenericClient clientWithToken(String token) {
		IGenericClient client = anonymousClient();
		client.registerInterceptor(new BearerTokenAuthInterceptor(token));
		return client;
	}

	protected IGenericClient anonymousClient() {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
		return FHIR.newRestfulGenericClient(baseUrl());
	}

	/** Posts a transaction to the expert directory as the centre's coordinator: only the centre lists experts. */
	protected HttpResponse<String> postDirectory(String bundle) {
		return as(coordinatorToken(), "POST", "", bundle);
	}

	/** POSTs a body as it is, to see the exact status and body the server answers. */
	protected HttpResponse<String> post(String path, String contentType, String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
				.timeout(Duration.ofMinutes(2))
				.header("Content-Type", contentType)
				.header("Accept", contentType.contains("xml") ? "application/fhir+xml" : "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();
		return send(request);
	}

	/**
	 * Sends a request to the FHIR endpoint with the given token instead of the harness's, e.g.
	 * {@code as(token, "GET", "/Patient/1", null)}; a body is sent as FHIR JSON.
	 */
	protected HttpResponse<String> as(String token, String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path.replace("|", "%7C")))
				.timeout(Duration.ofMinutes(2))
				.header("Authorization", "Bearer " + token)
				.header("Accept", "application/fhir+json");
		if (body != null) {
			request.header("Content-Type", "application/fhir+json");
		}
		return send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofString(body)).build());
	}

	protected HttpResponse<String> send(HttpRequest request) {
		return Http.send(request);
	}

	/** Number of resources a search finds, e.g. {@code count("Patient?identifier=sys|val")}. */
	protected int count(String search) {
		Bundle result = client().search().byUrl(search + (search.contains("?") ? "&" : "?") + "_summary=count")
				.returnBundle(Bundle.class).execute();
		return result.getTotal();
	}
}

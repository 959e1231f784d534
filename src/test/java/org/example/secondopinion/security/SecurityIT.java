package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.example.secondopinion.FhirServerIT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * Authentication end to end: tokens got from the development authorization server the SMART Backend
 * Services way (and refused when the client assertion is not right), tokens checked on every API
 * request, and what each sample client's scopes allow.
 */
class SecurityIT extends FhirServerIT {

	private static final String AUDIENCE = "https://second-opinion.example.org/fhir";

	/** The development authorization server's own signing key, to make tokens that differ from a valid one in one respect only. */
	@Autowired
	JWKSource<SecurityContext> serverKeys;

	// ---- the token endpoint ----

	@Test
	void anEhrGetsATokenWithAnRs384AssertionAndItsScopesDecideWhatItMayDo() {
		HttpResponse<String> answer = TestTokens.requestToken(origin(), "st-elsewhere-ehr",
				TestTokens.sampleClientKey("st-elsewhere-ehr"), "system/Patient.rs");
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		String token = TestTokens.field(answer.body(), "access_token");
		assertThat(TestTokens.field(answer.body(), "scope")).isEqualTo("system/Patient.rs");

		assertThat(get("/fhir/Patient", token).statusCode()).isEqualTo(200);
		HttpResponse<String> refused = get("/fhir/ServiceRequest", token);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).contains("\"resourceType\": \"OperationOutcome\"");
	}

	@Test
	void anEhrRegisteredWithAnEs384KeyGetsAToken() {
		HttpResponse<String> answer = TestTokens.requestToken(origin(), "lakeside-ehr",
				TestTokens.sampleClientKey("lakeside-ehr"), "system/ServiceRequest.rs");
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
		assertThat(get("/fhir/ServiceRequest", TestTokens.field(answer.body(), "access_token")).statusCode()).isEqualTo(200);
	}

	@Test
	void aClientAssertionCannotBeUsedTwice() {
		String assertion = TestTokens.assertion(origin(), "riverbend-ehr", TestTokens.sampleClientKey("riverbend-ehr"),
				UUID.randomUUID().toString(), 240);
		assertThat(TestTokens.postToken(origin(), "riverbend-ehr", assertion, "system/Patient.rs").statusCode()).isEqualTo(200);
		HttpResponse<String> replay = TestTokens.postToken(origin(), "riverbend-ehr", assertion, "system/Patient.rs");
		assertThat(replay.statusCode()).isEqualTo(401);
		assertThat(replay.body()).contains("invalid_client");
	}

	@Test
	void aClientAssertionValidForMoreThanFiveMinutesIsRefused() {
		String assertion = TestTokens.assertion(origin(), "riverbend-ehr", TestTokens.sampleClientKey("riverbend-ehr"),
				UUID.randomUUID().toString(), 3600);
		assertThat(TestTokens.postToken(origin(), "riverbend-ehr", assertion, "system/Patient.rs").statusCode()).isEqualTo(401);
	}

	@Test
	void aClientAssertionSignedWithAnotherKeyIsRefused() {
		JWK stranger = new RSAKey.Builder(TestTokens.generate()).keyID("northgate-ehr-1").build();
		assertThat(TestTokens.requestToken(origin(), "northgate-ehr", stranger, "system/Patient.rs").statusCode()).isEqualTo(401);
	}

	@Test
	void aClientGetsNoScopeItIsNotRegisteredFor() {
		HttpResponse<String> answer = TestTokens.requestToken(origin(), "northgate-ehr",
				TestTokens.sampleClientKey("northgate-ehr"), "system/AuditEvent.rs");
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.body()).contains("invalid_scope");
	}

	@Test
	void theInteractiveUserStandInsUseTheirSecret() {
		assertThat(TestTokens.requestTokenWithSecret(origin(), "coordinator", "dev-coordinator", "user/ServiceRequest.rs").statusCode())
				.isEqualTo(200);
		assertThat(TestTokens.requestTokenWithSecret(origin(), "coordinator", "wrong", "user/ServiceRequest.rs").statusCode())
				.isEqualTo(401);
	}

	@Test
	void theSmartConfigurationAndTheCapabilityStatementArePublic() {
		HttpResponse<String> smart = get("/fhir/.well-known/smart-configuration", null);
		assertThat(smart.statusCode()).isEqualTo(200);
		assertThat(TestTokens.field(smart.body(), "token_endpoint")).isEqualTo(origin() + "/oauth2/token");
		assertThat(smart.body()).contains("private_key_jwt", "RS384", "ES384", "client-confidential-asymmetric", "permission-v2");
		assertThat(get("/.well-known/smart-configuration", null).statusCode()).isEqualTo(200);
		HttpResponse<String> metadata = get("/fhir/metadata", null);
		assertThat(metadata.statusCode()).isEqualTo(200);
		org.hl7.fhir.r4.model.CapabilityStatement capabilities =
				FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.CapabilityStatement.class, metadata.body());
		var security = capabilities.getRestFirstRep().getSecurity();
		assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
		assertThat(security.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")
				.getExtensionByUrl("token").getValue().primitiveValue()).isEqualTo(origin() + "/oauth2/token");
	}

	// ---- tokens on the API ----

	@Test
	void withoutATokenTheAnswerIs401WithAChallengeAndAnOperationOutcome() {
		HttpResponse<String> answer = get("/fhir/Patient", null);
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
		assertThat(answer.body()).contains("OperationOutcome");
	}

	static Stream<Arguments> forgedTokens() {
		return Stream.of(
				Arguments.of("signed with a key the server does not know", "stranger"),
				Arguments.of("expired", "expired"),
				Arguments.of("for another audience", "audience"),
				Arguments.of("unsigned (alg none)", "none"),
				Arguments.of("not a JWT at all", "garbage"));
	}

	@ParameterizedTest(name = "a token {0} gets 401")
	@MethodSource("forgedTokens")
	void forgedTokensGet401(String description, String kind) throws Exception {
		String token = switch (kind) {
			case "stranger" -> sign(TestTokens.generate(), AUDIENCE, 3600);
			case "expired" -> sign(serverKey(), AUDIENCE, -120);
			case "audience" -> sign(serverKey(), "https://another-server.example.org/fhir", 3600);
			case "none" -> new PlainJWT(claims(AUDIENCE, 3600)).serialize();
			default -> "not-a-token";
		};
		HttpResponse<String> answer = get("/fhir/Patient", token);
		assertThat(answer.statusCode()).as(description).isEqualTo(401);
		assertThat(answer.body()).contains("OperationOutcome");
	}

	@Test
	void aTokenSignedByTheServerItselfIsAcceptedSoTheForgedOnesFailForTheirFlawOnly() throws Exception {
		assertThat(get("/fhir/Patient", sign(serverKey(), AUDIENCE, 3600)).statusCode()).isEqualTo(200);
	}

	@Test
	void aRawBinaryUploadNeedsBinaryCreate() throws Exception {
		String token = sign(serverKey(), AUDIENCE, 3600, "system/Binary.r");
		HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary"))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/pdf")
				.POST(HttpRequest.BodyPublishers.ofString("%PDF-1.4 not really"))
				.build());
		assertThat(answer.statusCode()).isEqualTo(403);
		assertThat(answer.body()).contains("OperationOutcome");
	}

	@Test
	void corsIsClosedAndSecurityHeadersAreSent() {
		HttpResponse<String> preflight = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient"))
				.header("Origin", "https://evil.example.com")
				.header("Access-Control-Request-Method", "GET")
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.build());
		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

		HttpResponse<String> answer = get("/fhir/metadata", null);
		assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(answer.headers().firstValue("X-Frame-Options")).hasValue("DENY");
		assertThat(answer.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'none'"));
	}

	// ---- what each sample client's scopes allow ----

	record Client(String id, String secret, String scopes) {}

	private static final List<Client> SAMPLE_CLIENTS = List.of(
			new Client("st-elsewhere-ehr", null, "system/Patient.cruds system/Organization.cruds system/ServiceRequest.rs system/DiagnosticReport.rs"),
			new Client("expert-osei", "dev-expert-osei", "user/Patient.rs user/Organization.rs user/ServiceRequest.rs user/DiagnosticReport.crus"),
			new Client("coordinator", "dev-coordinator", "user/*.rs user/Organization.cru"),
			new Client("patient-seg-448213", "dev-patient", "patient/Patient.r patient/ServiceRequest.rs patient/DiagnosticReport.rs"));

	static Stream<Arguments> accessMatrix() {
		// client, method, path, allowed
		return Stream.of(
				Arguments.of("st-elsewhere-ehr", "GET", "/Patient", true),
				Arguments.of("st-elsewhere-ehr", "POST", "/Patient", true),
				Arguments.of("st-elsewhere-ehr", "POST", "/Organization", true),
				Arguments.of("st-elsewhere-ehr", "GET", "/DiagnosticReport", true),
				Arguments.of("st-elsewhere-ehr", "GET", "/AuditEvent", false),
				Arguments.of("expert-osei", "GET", "/Patient", true),
				Arguments.of("expert-osei", "POST", "/Patient", false),
				Arguments.of("expert-osei", "POST", "/Organization", false),
				Arguments.of("expert-osei", "GET", "/DiagnosticReport", true),
				Arguments.of("expert-osei", "GET", "/AuditEvent", false),
				Arguments.of("coordinator", "GET", "/Patient", true),
				Arguments.of("coordinator", "POST", "/Patient", false),
				Arguments.of("coordinator", "POST", "/Organization", true),
				Arguments.of("coordinator", "GET", "/DiagnosticReport", true),
				Arguments.of("coordinator", "GET", "/AuditEvent", true),
				Arguments.of("patient-seg-448213", "GET", "/Patient", false), // patient/Patient.r: read, no search
				Arguments.of("patient-seg-448213", "POST", "/Patient", false),
				Arguments.of("patient-seg-448213", "POST", "/Organization", false),
				// what the patient may read depends on their Patient being stored: PatientAccessIT
				Arguments.of("patient-seg-448213", "GET", "/AuditEvent", false));
	}

	@ParameterizedTest(name = "{0} {1} {2}: allowed {3}")
	@MethodSource("accessMatrix")
	void eachSampleClientMayDoWhatItsScopesSayAndNothingElse(String clientId, String method, String path, boolean allowed) {
		Client client = SAMPLE_CLIENTS.stream().filter(candidate -> candidate.id().equals(clientId)).findFirst().orElseThrow();
		HttpResponse<String> tokenAnswer = client.secret() == null
				? TestTokens.requestToken(origin(), client.id(), TestTokens.sampleClientKey(client.id()), client.scopes())
				: TestTokens.requestTokenWithSecret(origin(), client.id(), client.secret(), client.scopes());
		assertThat(tokenAnswer.statusCode()).as(tokenAnswer.body()).isEqualTo(200);
		String token = TestTokens.field(tokenAnswer.body(), "access_token");

		String body = path.startsWith("/Patient")
				? "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Matrix\"}]}"
				: "{\"resourceType\":\"Organization\",\"name\":\"Matrix test organisation\"}";
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
				.header("Authorization", "Bearer " + token)
				.header("Accept", "application/fhir+json");
		if (method.equals("POST")) {
			request.header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body));
		}
		HttpResponse<String> answer = send(request.build());
		if (allowed) {
			assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 201);
		} else {
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
			assertThat(answer.body()).contains("OperationOutcome");
		}
	}

	@Test
	void anIncludeOfATypeOutsideTheScopesIsRefusedAsAWhole() throws Exception {
		String requester = client().create().resource(new org.hl7.fhir.r4.model.Practitioner()
				.addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Included"))).execute().getId().toUnqualifiedVersionless().getValue();
		String patient = client().create().resource(new org.hl7.fhir.r4.model.Patient()
				.addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Included"))).execute().getId().toUnqualifiedVersionless().getValue();
		String request = client().create().resource(new org.hl7.fhir.r4.model.ServiceRequest()
				.setStatus(org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus.DRAFT)
				.setIntent(org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestIntent.PROPOSAL)
				.setSubject(new org.hl7.fhir.r4.model.Reference(patient))
				.setRequester(new org.hl7.fhir.r4.model.Reference(requester)))
				.execute().getId().getIdPart();
		String token = sign(serverKey(), AUDIENCE, 3600, "system/ServiceRequest.rs");

		assertThat(get("/fhir/ServiceRequest?_id=" + request, token).statusCode()).isEqualTo(200);
		HttpResponse<String> included = get("/fhir/ServiceRequest?_id=" + request + "&_include=ServiceRequest:requester", token);
		assertThat(included.statusCode()).isEqualTo(403);
		assertThat(included.body()).contains("OperationOutcome").doesNotContain("Included");
		HttpResponse<String> revIncluded = get("/fhir/Patient?_id=" + patient.replace("Patient/", "")
				+ "&_revinclude=ServiceRequest:subject", sign(serverKey(), AUDIENCE, 3600, "system/Patient.rs"));
		assertThat(revIncluded.statusCode()).isEqualTo(403);
	}

	@Test
	void readWithoutSearchAllowsAReadByIdButNoSearch() throws Exception {
		String patient = client().create().resource(new org.hl7.fhir.r4.model.Patient()
				.addName(new org.hl7.fhir.r4.model.HumanName().setFamily("ReadOnly"))).execute().getId().toUnqualifiedVersionless().getValue();
		String readOnly = sign(serverKey(), AUDIENCE, 3600, "system/Patient.r");
		assertThat(get("/fhir/" + patient, readOnly).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient?name=ReadOnly", readOnly).statusCode()).isEqualTo(403);
		String searchOnly = sign(serverKey(), AUDIENCE, 3600, "system/Patient.s");
		assertThat(get("/fhir/Patient?name=ReadOnly", searchOnly).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/" + patient, searchOnly).statusCode()).isEqualTo(403);
	}

	// ---- helpers ----

	private HttpResponse<String> get(String path, String token) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + path)).header("Accept", "application/fhir+json");
		// an explicit (possibly empty) Authorization keeps the harness's own token off this request
		request.header("Authorization", token == null ? "" : "Bearer " + token);
		return send(request.GET().build());
	}

	private RSAKey serverKey() {
		return TestTokens.serverKey(serverKeys);
	}

	private String sign(RSAKey key, String audience, long validSeconds) {
		return sign(key, audience, validSeconds, "system/*.rs");
	}

	private String sign(RSAKey key, String audience, long validSeconds, String scope) {
		return TestTokens.signed(key, "forger", audience, validSeconds, scope);
	}

	private JWTClaimsSet claims(String audience, long validSeconds) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder()
				.issuer(origin())
				.subject("forger")
				.claim("client_id", "forger")
				.audience(audience)
				.issueTime(Date.from(now.minusSeconds(validSeconds < 0 ? 600 : 0)))
				.notBeforeTime(Date.from(now.minusSeconds(validSeconds < 0 ? 600 : 0)))
				.expirationTime(Date.from(now.plusSeconds(validSeconds)))
				.claim("scope", "system/*.rs")
				.build();
	}
}

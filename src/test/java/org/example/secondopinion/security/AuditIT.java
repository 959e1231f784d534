package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The audit trail: one AuditEvent per operation on patient data, refused ones included, attributed
 * to the client; and no way to change it through the API.
 */
class AuditIT extends FhirServerIT {

	private static final String AUDIENCE = "https://second-opinion.example.org/fhir";

	@Autowired
	JWKSource<SecurityContext> serverKeys;

	@Test
	void aTokenRequestTheAuthorizationServerRefusesIsAudited() {
		String client = "unknown-" + UUID.randomUUID();
		HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(origin() + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + client + "&client_secret=x"))
				.build());
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
		assertThat(refused.body()).contains("invalid_client");

		List<AuditEvent> events = coordinator().search().byUrl("AuditEvent?altid=anonymous&_count=200&_sort=-_lastUpdated")
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (AuditEvent) entry.getResource()).toList();
		assertThat(events).anySatisfy(event -> {
			assertThat(event.getOutcomeDesc()).isEqualTo("HTTP 401: Token refused (invalid_client) for client " + client);
			assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
		});
	}

	@Test
	void eachOperationOfAClientWritesOneAuditEventAndTheRefusedOneIsAmongThem() {
		String clientId = "audit-probe-" + UUID.randomUUID();
		String token = TestTokens.signed(TestTokens.serverKey(serverKeys), clientId, AUDIENCE, 3600, "system/Patient.cruds");

		HttpResponse<String> created = call("POST", "/Patient", token, "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Audited\"}]}");
		assertThat(created.statusCode()).isEqualTo(201);
		String id = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/_history.*", "$1");
		assertThat(call("GET", "/Patient/" + id, token, null).statusCode()).isEqualTo(200);
		assertThat(call("GET", "/Patient?_id=" + id, token, null).statusCode()).isEqualTo(200);
		assertThat(call("PUT", "/Patient/" + id, token,
				"{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Audited-Again\"}]}").statusCode()).isEqualTo(200);
		assertThat(call("POST", "/Organization", token, "{\"resourceType\":\"Organization\",\"name\":\"Denied\"}").statusCode()).isEqualTo(403);
		HttpResponse<String> deleted = call("DELETE", "/Patient/" + id, token, null);
		assertThat(deleted.statusCode()).as(deleted.body()).isBetween(200, 204);

		List<AuditEvent> events = auditEventsOf(clientId);
		assertThat(events).as(events.stream().map(event -> event.getSubtypeFirstRep().getCode()).toList().toString()).hasSize(6);
		assertThat(events).extracting(event -> event.getSubtypeFirstRep().getCode())
				.containsExactlyInAnyOrder("create", "read", "search-type", "update", "create", "delete");
		assertThat(events).filteredOn(event -> event.getOutcome() == AuditEvent.AuditEventOutcome._4).hasSize(1)
				.allSatisfy(denied -> assertThat(denied.getOutcomeDesc()).startsWith("HTTP 403"));
		assertThat(events).allSatisfy(event -> {
			assertThat(event.getRecorded()).isNotNull();
			assertThat(event.getAgent()).anySatisfy(agent -> assertThat(agent.getRequestor()).isTrue());
			assertThat(event.getAgent()).anySatisfy(agent -> assertThat(agent.getNetwork().getAddress()).isNotBlank());
		});
		// what each was about: the patient, by reference (or by its id as text once it is deleted)
		assertThat(events).filteredOn(event -> event.getOutcome() == AuditEvent.AuditEventOutcome._0)
				.allSatisfy(event -> assertThat(event.getEntity()).anySatisfy(entity ->
						assertThat(entity.getWhat().getReference() + " " + entity.getWhat().getDisplay()).contains("Patient/" + id)));
	}

	@Test
	void aRequestWithoutATokenIsAuditedToo() {
		String marker = "unauthenticated-" + UUID.randomUUID();
		HttpResponse<String> refused = call("GET", "/Patient?name=" + marker, "", null);
		assertThat(refused.statusCode()).isEqualTo(401);

		Bundle found = coordinator().search().byUrl("AuditEvent?altid=anonymous&entity-name=" + java.net.URLEncoder.encode("GET /fhir/Patient?name=" + marker, java.nio.charset.StandardCharsets.UTF_8))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		AuditEvent event = (AuditEvent) found.getEntryFirstRep().getResource();
		assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
		assertThat(event.getOutcomeDesc()).startsWith("HTTP 401");
	}

	@Test
	void theAuditTrailCannotBeChangedOrDeletedThroughTheApiEvenWithAllScopes() {
		// a create, so there is at least its AuditEvent
		client().create().resource(new org.hl7.fhir.r4.model.Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Trail"))).execute();
		Bundle any = coordinator().search().byUrl("AuditEvent?_count=1").returnBundle(Bundle.class).execute();
		String id = any.getEntryFirstRep().getResource().getIdElement().getIdPart();
		String event = "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},\"recorded\":\"2026-01-01T00:00:00Z\","
				+ "\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"me\"}}}";
		assertThat(call("POST", "/AuditEvent", null, event).statusCode()).isEqualTo(403);
		assertThat(call("PUT", "/AuditEvent/" + id, null, event.replace("{\"resourceType\":\"AuditEvent\",",
				"{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\",")).statusCode()).isEqualTo(403);
		assertThat(call("DELETE", "/AuditEvent/" + id, null, null).statusCode()).isEqualTo(403);
		assertThat(call("POST", "", null, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
				+ "{\"method\":\"DELETE\",\"url\":\"AuditEvent/" + id + "\"}}]}").statusCode()).isEqualTo(403);
		for (String url : new String[] {"/AuditEvent", baseUrl() + "/AuditEvent"}) {
			assertThat(call("POST", "", null, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
					+ "{\"method\":\"DELETE\",\"url\":\"" + url + "/" + id + "\"}}]}").statusCode()).as(url).isEqualTo(403);
		}
		assertThat(call("GET", "/AuditEvent/" + id, coordinatorToken(), null).statusCode()).isEqualTo(200);
	}

	/** Searched right after the requests: each request's record is stored before its answer is sent. */
	private List<AuditEvent> auditEventsOf(String clientId) {
		return coordinator().search().byUrl("AuditEvent?altid=" + clientId + "&_count=100").returnBundle(Bundle.class).execute()
				.getEntry().stream().map(entry -> (AuditEvent) entry.getResource()).toList();
	}

	/** @param token null: the harness's token; "": none */
	private HttpResponse<String> call(String method, String path, String token, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Accept", "application/fhir+json");
		if (token != null) {
			request.header("Authorization", token.isEmpty() ? "" : "Bearer " + token);
		}
		if (body != null) {
			request.header("Content-Type", "application/fhir+json");
		}
		return send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
	}
}

package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of hostile and broken requests. Each must get the stated status with an OperationOutcome
 * (or, for searches, an empty result), no stack trace or internal class name, and leave the database
 * as it was.
 */
class HostileInputIT extends FhirServerIT {

	private static final String JSON = "application/fhir+json";
	private static final String XML = "application/fhir+xml";
	private static final Set<Integer> REFUSED = Set.of(400, 422);
	private static final List<String> COUNTED = List.of(
			"Patient", "Organization", "Observation", "Condition", "DocumentReference", "ServiceRequest", "Binary", "Practitioner");
	private static final String TWENTY_ONE_MB = "x".repeat(21 * 1024 * 1024);

	record Payload(String method, String path, String contentType, String body, Set<Integer> statuses, boolean chunked) {

		static Payload post(String path, String contentType, String body, Set<Integer> statuses) {
			return new Payload("POST", path, contentType, body, statuses, false);
		}

		static Payload get(String path, Set<Integer> statuses) {
			return new Payload("GET", path, null, null, statuses, false);
		}
	}

	static Stream<Arguments> corpus() {
		Map<String, Payload> corpus = new LinkedHashMap<>();
		// malformed JSON
		corpus.put("truncated JSON", Payload.post("/Patient", JSON, "{\"resourceType\":\"Patient\",", Set.of(400)));
		corpus.put("a JSON array instead of a resource", Payload.post("/Patient", JSON, "[1,2,3]", Set.of(400)));
		corpus.put("an empty body", Payload.post("/Patient", JSON, "", Set.of(400)));
		corpus.put("JSON with invalid UTF-8 and a NUL", Payload.post("/Patient", JSON, "{\"resourceType\":\"Patient\",\"id\":\"\u0000\uFFFF\"", Set.of(400)));
		corpus.put("JSON nested 5000 levels deep", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}", Set.of(400)));
		corpus.put("an unknown resource type", Payload.post("/Patient", JSON, "{\"resourceType\":\"Hacker\"}", Set.of(400)));
		corpus.put("an Observation posted to /Patient", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}", Set.of(400)));
		corpus.put("a date that is not a date", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}", REFUSED));
		corpus.put("a number where a code belongs", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"gender\":42}", REFUSED));
		corpus.put("an invalid code", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"gender\":\"robot\"}", REFUSED));
		corpus.put("a text/plain body", Payload.post("/Patient", "text/plain", "resourceType=Patient", Set.of(400, 415)));
		// malformed and hostile XML
		corpus.put("truncated XML", Payload.post("/Patient", XML, "<Patient xmlns=\"http://hl7.org/fhir\"><name>", Set.of(400)));
		corpus.put("XML that is not FHIR", Payload.post("/Patient", XML, "<foo><bar/></foo>", Set.of(400)));
		corpus.put("XXE: an external entity reading a file", Payload.post("/Patient", XML,
				"<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
						+ "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>", Set.of(400)));
		corpus.put("XXE: an external entity fetching a URL", Payload.post("/Patient", XML,
				"<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"http://169.254.169.254/latest/meta-data/\">]>"
						+ "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&xxe;\"/></name></Patient>", Set.of(400)));
		corpus.put("XXE: an external parameter entity", Payload.post("/Patient", XML,
				"<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY % remote SYSTEM \"http://localhost:1/evil.dtd\"> %remote;]>"
						+ "<Patient xmlns=\"http://hl7.org/fhir\"/>", REFUSED)); // HAPI's parser skips DTDs, the validator refuses them
		corpus.put("entity expansion (billion laughs)", Payload.post("/Patient", XML, billionLaughs(), Set.of(400)));
		corpus.put("a DOCTYPE with an internal subset only", Payload.post("/Patient", XML,
				"<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY name \"Evil\">]>"
						+ "<Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&name;\"/></name></Patient>", Set.of(400)));
		// oversize bodies
		corpus.put("a body above the limit (Content-Length)", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"text\":{\"div\":\"" + TWENTY_ONE_MB + "\"}}", Set.of(413)));
		corpus.put("a chunked body above the limit", new Payload("POST", "/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"text\":{\"div\":\"" + TWENTY_ONE_MB + "\"}}", Set.of(413), true));
		// broken transactions: nothing of them may be stored
		corpus.put("a transaction with one invalid entry", Payload.post("", JSON, transaction(
				"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Half\"}]}",
				"{\"resourceType\":\"Observation\",\"status\":\"not-a-status\",\"code\":{\"text\":\"x\"}}"), REFUSED));
		corpus.put("a transaction entry without a request", Payload.post("", JSON,
				"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\"}}]}", REFUSED));
		// references
		corpus.put("a reference to a patient that does not exist", Payload.post("/Condition", JSON,
				"{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/does-not-exist-42\"},\"code\":{\"text\":\"x\"}}",
				Set.of(400, 404, 422)));
		corpus.put("a reference of the wrong type", Payload.post("/Condition", JSON,
				"{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Organization/x\"},\"code\":{\"text\":\"x\"}}",
				Set.of(400, 404, 422)));
		// what clients may not set
		corpus.put("a client-set security label", Payload.post("/Patient", JSON,
				"{\"resourceType\":\"Patient\",\"meta\":{\"security\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-Confidentiality\",\"code\":\"N\"}]}}",
				Set.of(422)));
		corpus.put("$meta-add of a security label", Payload.post("/Patient/hostile-a/$meta-add", JSON,
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{\"security\":[{\"system\":"
						+ "\"https://second-opinion.example.org/fhir/CodeSystem/referring-organization\",\"code\":\"someone-else\"}]}}]}",
				Set.of(404, 422)));
		corpus.put("a client-set internal binary-storage extension", Payload.post("/Binary", JSON,
				"{\"resourceType\":\"Binary\",\"contentType\":\"text/plain\",\"_data\":{\"extension\":[{\"url\":"
						+ "\"http://hapifhir.io/fhir/StructureDefinition/externalized-binary-id\",\"valueString\":\"someone-elses-file\"}]}}",
				Set.of(422)));
		corpus.put("an id in the body that differs from the URL", new Payload("PUT", "/Patient/hostile-a", JSON,
				"{\"resourceType\":\"Patient\",\"id\":\"hostile-b\"}", Set.of(400), false));
		// injection in search parameters
		corpus.put("SQL in a string search", Payload.get("/Patient?name=" + encode("' OR '1'='1' --"), Set.of(200)));
		corpus.put("SQL in _sort", Payload.get("/Patient?_sort=" + encode("name;DROP TABLE HFJ_RESOURCE"), Set.of(400)));
		corpus.put("SQL in a date search", Payload.get("/Patient?birthdate=" + encode("2020' OR 1=1 --"), Set.of(400)));
		corpus.put("SQL in a token search", Payload.get("/Patient?identifier=" + encode("x|' UNION SELECT * FROM HFJ_RESOURCE --"), Set.of(200)));
		corpus.put("a script in a search", Payload.get("/Patient?name=" + encode("<script>alert(1)</script>"), Set.of(200)));
		corpus.put("path traversal in a read", Payload.get("/Binary/..%2F..%2F..%2Fetc%2Fpasswd", Set.of(400, 404)));
		corpus.put("dot segments in the path", Payload.get("/Patient/../AuditEvent", Set.of(400)));
		corpus.put("encoded dot segments in the path", Payload.get("/Patient/%2e%2e/AuditEvent", Set.of(400)));
		corpus.put("a path parameter in the path", Payload.get("/Patient;x=1/1", Set.of(400)));
		// what is not exposed
		corpus.put("HAPI's terminology uploader", Payload.post("/$upload-external-code-system", JSON,
				"{\"resourceType\":\"Parameters\"}", Set.of(400, 403, 404)));
		corpus.put("$trigger-subscription", Payload.post("/Subscription/$trigger-subscription", JSON,
				"{\"resourceType\":\"Parameters\"}", Set.of(400, 403, 404)));
		return corpus.entrySet().stream().map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corpus")
	void isRefusedCleanlyAndStoresNothing(String description, Payload payload) {
		Map<String, Integer> before = counts();

		HttpResponse<String> answer = send(request(payload));

		assertThat(answer.statusCode()).as(description + ": " + abbreviated(answer.body())).isIn(payload.statuses());
		if (answer.statusCode() >= 400) {
			assertThat(answer.body()).as(description).contains("OperationOutcome");
		} else {
			assertThat(answer.body()).as(description).contains("\"total\": 0");
		}
		assertThat(answer.body()).as(description)
				.doesNotContain("root:x:", "\tat ", "java.lang.", "org.hibernate", "Exception:", "ca.uhn.fhir.");
		assertThat(counts()).as(description + ": the database is unchanged").isEqualTo(before);
	}

	/** java.net.http encodes these characters itself: only a raw request shows what Tomcat lets through. */
	@Test
	void searchCharactersFhirExamplesWriteUnencodedAreAccepted() throws IOException {
		String identifier = rawGet("/fhir/Patient?identifier=a|b", "application/fhir+json");
		String others = rawGet("/fhir/Patient?name=a{b}[c]^d`e\"f<g>h\\i", "application/fhir+json");

		assertThat(identifier).startsWith("HTTP/1.1 200").contains("\"resourceType\": \"Bundle\"");
		assertThat(others).startsWith("HTTP/1.1 200").contains("\"resourceType\": \"Bundle\"");
	}

	@Test
	void aRefusedTokenIsAnsweredInTheFormatAskedFor() {
		HttpResponse<String> byFormat = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient?_format=xml"))
				.header("Authorization", "Bearer not-a-token").GET().build());
		HttpResponse<String> byAccept = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Patient"))
				.header("Authorization", "Bearer not-a-token")
				.header("Accept", "application/fhir+json;q=0.5, application/fhir+xml").GET().build());

		for (HttpResponse<String> refused : List.of(byFormat, byAccept)) {
			assertThat(refused.statusCode()).isEqualTo(401);
			assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith(XML));
			OperationOutcome outcome = (OperationOutcome) FHIR.newXmlParser().parseResource(refused.body());
			assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.LOGIN);
		}
	}

	private String rawGet(String pathAndQuery, String accept) throws IOException {
		try (Socket socket = new Socket("localhost", port)) {
			String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
					+ "Authorization: Bearer " + TestTokens.harness(origin()) + "\r\nAccept: " + accept + "\r\n"
					+ "Connection: close\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private HttpRequest request(Payload payload) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + payload.path()))
				.header("Accept", JSON);
		if (payload.body() == null) {
			return request.GET().build();
		}
		byte[] body = payload.body().getBytes(StandardCharsets.UTF_8);
		HttpRequest.BodyPublisher publisher = payload.chunked()
				? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
				: HttpRequest.BodyPublishers.ofByteArray(body);
		return request.header("Content-Type", payload.contentType()).method(payload.method(), publisher).build();
	}

	private Map<String, Integer> counts() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		COUNTED.forEach(type -> counts.put(type, count(type)));
		return counts;
	}

	private static String transaction(String... resources) {
		StringBuilder entries = new StringBuilder();
		for (int i = 0; i < resources.length; i++) {
			String type = resources[i].replaceAll(".*\"resourceType\":\"(\\w+)\".*", "$1");
			entries.append(i == 0 ? "" : ",").append("{\"fullUrl\":\"urn:uuid:00000000-0000-0000-0000-00000000000").append(i)
					.append("\",\"resource\":").append(resources[i])
					.append(",\"request\":{\"method\":\"POST\",\"url\":\"").append(type).append("\"}}");
		}
		return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entries + "]}";
	}

	private static String billionLaughs() {
		StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE Patient [<!ENTITY lol0 \"lol\">");
		for (int i = 1; i <= 9; i++) {
			dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i - 1) + ";").repeat(10)).append("\">");
		}
		return dtd.append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>").toString();
	}

	private static String encode(String value) {
		return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static String abbreviated(String body) {
		return body.length() > 600 ? body.substring(0, 600) + "..." : body;
	}
}

package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.example.secondopinion.FhirServerIT;
import org.junit.jupiter.api.Test;

/**
 * The isolation invariant under random writes: two organisations' EHRs and the expert assigned to one of
 * the cases write in a random order, by every write path (create, transaction with conditional references,
 * update, JSON patch, FHIRPath patch, a transaction's update entry), and often point what they write at the
 * other organisation's patient, request or Task. After every step nothing of one organisation is readable
 * by the other or by the expert not assigned to it, and each organisation's own case still answers.
 */
class IsolationInvariantIT extends FhirServerIT {

	private static final int STEPS = 16;
	private static final long SEED = 20261201L;

	private TwoOrganisations cases;

	@Test
	void nothingOfOneOrganisationBecomesReadableByAnotherWhateverIsWritten() {
		cases = new TwoOrganisations(this::as,
				client -> TestTokens.field(TestTokens.requestToken(origin(), client, TestTokens.sampleClientKey(client),
						TwoOrganisations.EHR_SCOPES).body(), "access_token"),
				(client, scopes) -> tokenWithSecret(client, "dev-" + client, scopes));
		Random random = new Random(SEED);
		List<String> failures = new ArrayList<>();
		List<String> steps = new ArrayList<>();
		for (int step = 0; step < STEPS && failures.isEmpty(); step++) {
			boolean byA = random.nextBoolean();
			TwoOrganisations.Case own = byA ? cases.a : cases.b;
			TwoOrganisations.Case other = byA ? cases.b : cases.a;
			String writer = byA ? "st-elsewhere-ehr" : "riverbend-ehr";
			if (random.nextInt(4) == 0) {
				writer = "expert-lindqvist"; // assigned to case A only
				own = cases.a;
				other = cases.b;
			}
			TwoOrganisations.Case pointedAt = random.nextInt(3) == 0 ? own : other;
			String description = write(random, writer, own, pointedAt);
			steps.add(step + ": " + description);
			failures.addAll(check(steps.get(steps.size() - 1)));
		}
		assertThat(failures).as(String.join("\n", steps)).isEmpty();
	}

	/** One random write by the writer, pointing at a resource of {@code pointedAt}; answers what it did. */
	private String write(Random random, String writer, TwoOrganisations.Case own, TwoOrganisations.Case pointedAt) {
		String token = cases.tokens.get(writer);
		String unique = "invariant-" + UUID.randomUUID();
		String patient = pointedAt.id("Patient");
		String request = pointedAt.id("ServiceRequest");
		HttpResponse<String> answer;
		String path;
		if (writer.startsWith("expert")) {
			path = "expert's message";
			answer = as(token, "POST", "/Communication", communication(unique, own.id("Patient"), request));
		} else {
			switch (random.nextInt(7)) {
				case 0 -> {
					path = "POST record";
					answer = as(token, "POST", "/DocumentReference", record(unique, patient, request));
				}
				case 1 -> {
					path = "transaction record, conditional references";
					answer = as(token, "POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:"
							+ UUID.randomUUID() + "\",\"resource\":" + record(unique, "Patient?_id=" + idPart(patient), "ServiceRequest?_id=" + idPart(request))
							+ ",\"request\":{\"method\":\"POST\",\"url\":\"DocumentReference\"}}]}");
				}
				case 2 -> {
					path = "PUT own record re-pointed";
					String id = own.id("DocumentReference");
					answer = as(token, "PUT", "/" + id, record(unique, patient, request).replace("{\"resourceType\":\"DocumentReference\",",
							"{\"resourceType\":\"DocumentReference\",\"id\":\"" + idPart(id) + "\","));
				}
				case 3 -> {
					path = "JSON patch own record's context.related";
					answer = patch(token, "/" + own.id("DocumentReference"), "application/json-patch+json",
							"[{\"op\":\"replace\",\"path\":\"/context/related/0/reference\",\"value\":\"" + request + "\"}]");
				}
				case 4 -> {
					path = "FHIRPath patch own Task's focus";
					answer = patch(token, "/" + own.id("Task"), "application/fhir+json",
							"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
									+ "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Task.focus\"},"
									+ "{\"name\":\"value\",\"valueReference\":{\"reference\":\"" + request + "\"}}]}]}");
				}
				case 5 -> {
					path = "JSON patch own Patient's link.other";
					answer = patch(token, "/" + own.id("Patient"), "application/json-patch+json",
							"[{\"op\":\"add\",\"path\":\"/link\",\"value\":[{\"other\":{\"reference\":\"" + patient + "\"},\"type\":\"seealso\"}]}]");
				}
				default -> {
					path = "transaction updating own Condition's subject";
					String condition = as(cases.tokens.get("coordinator"), "GET", "/" + own.id("Condition"), null).body()
							.replace(own.id("Patient"), patient);
					answer = as(token, "POST", "", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
							+ condition.replaceAll("\"security\"\\s*:\\s*\\[[^\\]]*\\]\\s*,?", "") + ",\"request\":{\"method\":\"PUT\",\"url\":\""
							+ own.id("Condition") + "\"}}]}");
				}
			}
		}
		return writer + " " + path + " at " + (pointedAt == own ? "own " : "other's ") + patient + "/" + request + " -> "
				+ answer.statusCode();
	}

	/** The invariant, asked of every caller. */
	private List<String> check(String after) {
		List<String> failures = new ArrayList<>();
		reachesNothingOf(failures, after, "st-elsewhere-ehr", cases.b, cases.a);
		reachesNothingOf(failures, after, "riverbend-ehr", cases.a, cases.b);
		reachesNothingOf(failures, after, "expert-lindqvist", cases.b, cases.a);
		return failures;
	}

	private void reachesNothingOf(List<String> failures, String after, String caller, TwoOrganisations.Case foreign,
			TwoOrganisations.Case own) {
		String token = cases.tokens.get(caller);
		List<String> reads = new ArrayList<>(List.of("/DocumentReference?_count=200", "/Communication?_count=200",
				"/Task?_count=200&_include=Task:focus", "/Condition?_count=200&_include=Condition:subject",
				"/" + own.id("ServiceRequest") + "/$case", "/ServiceRequest?_id=" + idPart(own.id("ServiceRequest"))
						+ "&_revinclude=DocumentReference:related&_include:iterate=*"));
		if (!caller.startsWith("expert")) {
			reads.add("/Patient?_count=200&_revinclude=Patient:link");
			reads.add("/" + own.id("Patient") + "/$everything");
		}
		for (String read : reads) {
			HttpResponse<String> answer = as(token, "GET", read, null);
			if (answer.statusCode() != 200) {
				failures.add("after " + after + ": " + caller + " GET " + read + " answered " + answer.statusCode() + " " + answer.body());
			} else if (answer.body().contains(foreign.marker()) || answer.body().contains(foreign.label())) {
				failures.add("after " + after + ": " + caller + " GET " + read + " shows the other organisation's case");
			}
		}
		for (String id : foreign.all()) {
			HttpResponse<String> answer = as(token, "GET", "/" + id, null);
			if (answer.statusCode() != 404) {
				failures.add("after " + after + ": " + caller + " GET " + id + " answered " + answer.statusCode());
			}
		}
	}

	private static String record(String identifier, String subject, String request) {
		return "{\"resourceType\":\"DocumentReference\",\"identifier\":[{\"system\":\"https://isolation.example.org/id\",\"value\":\""
				+ identifier + "\"}],\"status\":\"current\",\"docStatus\":\"final\","
				+ "\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11526-1\",\"display\":\"Pathology study\"}]},"
				+ "\"subject\":{\"reference\":\"" + subject + "\"},\"date\":\"2026-08-14T15:20:00+02:00\","
				+ "\"content\":[{\"attachment\":{\"contentType\":\"text/plain\",\"data\":\"UGF0aG9sb2d5IHJlcG9ydA==\",\"title\":\"Pathology report\"}}],"
				+ "\"context\":{\"related\":[{\"reference\":\"" + request + "\"}]}}";
	}

	private static String communication(String identifier, String subject, String request) {
		return "{\"resourceType\":\"Communication\",\"identifier\":[{\"system\":\"https://isolation.example.org/id\",\"value\":\""
				+ identifier + "\"}],\"basedOn\":[{\"reference\":\"" + request + "\"}],\"status\":\"completed\","
				+ "\"subject\":{\"reference\":\"" + subject + "\"},\"payload\":[{\"contentString\":\"A question\"}]}";
	}

	private HttpResponse<String> patch(String token, String path, String contentType, String body) {
		return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofMinutes(2))
				.header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json")
				.header("Content-Type", contentType).method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
	}

	private static String idPart(String reference) {
		return reference.substring(reference.indexOf('/') + 1);
	}
}

package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.example.secondopinion.FhirServerIT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP access matrix, generated: every confined role (an EHR, an expert) × every interaction HAPI offers
 * on a resource (read, vread, the three history levels, searches with {@code _id}, {@code _has}, chains,
 * {@code _include:iterate}, {@code _revinclude}, counts, create referring to it, update, JSON and FHIRPath
 * patch, delete, their conditional forms, transaction and batch entries, {@code $meta-add} and our
 * operations) × every labelled type of a case × its own case and another organisation's. For the other
 * organisation's case, in every cell:
 * <ul>
 *   <li>no byte of the other case is in the answer (its marker, its label);
 *   <li>a refusal is answered word for word as the same interaction on an id that does not exist;
 *   <li>nothing is stored and nothing of the other case changes (checked once all cells have run).
 * </ul>
 * In the caller's own case, the reads answer with the resource.
 */
class AccessMatrixIT extends FhirServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final String MISSING = "987654321";
	private static final List<String> TYPES = List.of("Patient", "ServiceRequest", "DocumentReference", "Condition", "Task");

	private static TwoOrganisations cases;

	/** One interaction on a target resource; {@code id} is its {@code Type/id}, {@code unique} a fresh identifier value. */
	record Call(String method, String path, String contentType, String body) {}

	/**
	 * @param search   a search: for another organisation's case it may answer 200, with nothing of it
	 * @param write    a write: it may succeed only on the caller's own resources
	 * @param showsOwn on the caller's own case it answers 200 with the resource in it
	 */
	record Cell(String name, boolean search, boolean write, boolean showsOwn, Function<Target, Call> call) {}

	record Target(String type, String id, String idPart, String ownPatient, String ownRequest, String unique) {}

	@BeforeEach
	void twoCases() {
		if (cases == null) {
			cases = new TwoOrganisations(this::as,
					client -> {
						HttpResponse<String> answer = TestTokens.requestToken(origin(), client, TestTokens.sampleClientKey(client),
								TwoOrganisations.EHR_SCOPES);
						assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
						return TestTokens.field(answer.body(), "access_token");
					},
					(client, scopes) -> tokenWithSecret(client, "dev-" + client, scopes));
			assertThat(cases.ownerOf(this::as, cases.a)).as("case A's expert").isEqualTo("expert-lindqvist");
		}
	}

	@Test
	void noConfinedCallerReachesAnythingOfAnotherOrganisationsCaseByAnyInteraction() {
		Map<String, String> versionsBefore = versions(cases.b);
		List<String> failures = new ArrayList<>();
		int cells = 0;
		for (String role : List.of("st-elsewhere-ehr", "expert-lindqvist")) {
			String token = cases.tokens.get(role);
			for (String type : TYPES) {
				for (Cell cell : cells(type)) {
					cells++;
					Target other = target(type, cases.b, cases.a);
					Call call = cell.call().apply(other);
					HttpResponse<String> answer = send(token, call);
					String where = role + " × " + cell.name() + " × " + type + " of another organisation";
					failures.addAll(leaks(where, answer, cases.b));
					if (answer.statusCode() >= 500) {
						failures.add(where + ": " + answer.statusCode() + " " + answer.body());
					}
					if (answer.statusCode() / 100 == 2 && !cell.search() && !cell.write()) {
						failures.add(where + ": answered " + answer.statusCode());
					}
					if (answer.statusCode() == 404 || answer.statusCode() == 400) {
						Target missing = new Target(type, type + "/" + MISSING, MISSING, other.ownPatient(), other.ownRequest(), other.unique());
						HttpResponse<String> asMissing = send(token, cell.call().apply(missing));
						String seen = normalised(answer.body(), other.idPart());
						String unseen = normalised(asMissing.body(), MISSING);
						if (answer.statusCode() != asMissing.statusCode() || !seen.equals(unseen)) {
							failures.add(where + ": told apart from a missing id: " + answer.statusCode() + " " + seen
									+ " against " + asMissing.statusCode() + " " + unseen);
						}
					}
					if (cell.write() && answer.statusCode() / 100 != 2 && stored(other.unique()) > 0) {
						failures.add(where + ": a refused write stored " + other.unique());
					}
				}
			}
		}
		assertThat(versions(cases.b)).as("nothing of the other case changed").isEqualTo(versionsBefore);
		assertThat(failures).as(cells + " cells").isEmpty();
	}

	@Test
	void confinedCallersReadTheirOwnCaseByEveryReadInteraction() {
		List<String> failures = new ArrayList<>();
		for (String role : List.of("st-elsewhere-ehr", "expert-lindqvist")) {
			String token = cases.tokens.get(role);
			for (String type : TYPES) {
				Target own = target(type, cases.a, cases.a);
				for (Cell cell : cells(type)) {
					if (!cell.showsOwn()) {
						continue;
					}
					HttpResponse<String> answer = send(token, cell.call().apply(own));
					String where = role + " × " + cell.name() + " × own " + type;
					if (answer.statusCode() != 200) {
						failures.add(where + ": " + answer.statusCode() + " " + answer.body());
					} else if (!answer.body().contains(own.idPart())) {
						failures.add(where + ": the answer does not show " + own.id());
					}
					failures.addAll(leaks(where, answer, cases.b));
				}
			}
		}
		assertThat(failures).isEmpty();
	}

	/** Every interaction on a resource of the type. */
	private static List<Cell> cells(String type) {
		List<Cell> cells = new ArrayList<>();
		cells.add(read("read", t -> new Call("GET", "/" + t.id(), null, null)));
		cells.add(read("vread", t -> new Call("GET", "/" + t.id() + "/_history/1", null, null)));
		cells.add(read("instance history", t -> new Call("GET", "/" + t.id() + "/_history", null, null)));
		cells.add(probe("history of the type", t -> new Call("GET", "/" + t.type() + "/_history", null, null)));
		cells.add(probe("history of the server", t -> new Call("GET", "/_history", null, null)));
		cells.add(search("search by _id", t -> new Call("GET", "/" + t.type() + "?_id=" + t.idPart(), null, null)));
		cells.add(search("search by _id, POST form", t -> new Call("POST", "/" + t.type() + "/_search",
				"application/x-www-form-urlencoded", "_id=" + t.idPart())));
		cells.add(probe("count by _id", t -> new Call("GET", "/" + t.type() + "?_id=" + t.idPart() + "&_summary=count", null, null)));
		cells.add(search("_include:iterate=*", t -> new Call("GET", "/" + t.type() + "?_id=" + t.idPart() + "&_include:iterate=*", null, null)));
		cells.add(search("_revinclude=*", t -> new Call("GET", "/" + t.type() + "?_id=" + t.idPart() + "&_revinclude=*", null, null)));
		cells.add(probe("_has on the type", t -> new Call("GET", "/" + t.type() + "?_has:Provenance:target:_id=" + t.idPart(), null, null)));
		cells.add(probe("_has on the directory", t -> new Call("GET", "/Organization?_has:" + t.type() + ":"
				+ ("Patient".equals(t.type()) ? "organization" : "Task".equals(t.type()) ? "owner" : "performer") + ":_id=" + t.idPart(), null, null)));
		cells.add(probe("chain to it", t -> new Call("GET", "/Communication?based-on:" + t.type() + "._id=" + t.idPart(), null, null)));
		cells.add(probe("system search by _id", t -> new Call("GET", "?_id=" + t.idPart() + "&_type=" + t.type(), null, null)));
		cells.add(write("create referring to it", t -> new Call("POST", "/Communication", null, communication(t, t.id()))));
		cells.add(write("transaction creating a resource referring to it", t -> new Call("POST", "", null,
				"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + communication(t, t.id())
						+ ",\"request\":{\"method\":\"POST\",\"url\":\"Communication\"}}]}")));
		cells.add(write("update", t -> new Call("PUT", "/" + t.id(), null,
				"{\"resourceType\":\"" + t.type() + "\",\"id\":\"" + t.idPart() + "\",\"identifier\":[" + identifier(t) + "]}")));
		cells.add(write("JSON patch", t -> new Call("PATCH", "/" + t.id(), "application/json-patch+json",
				"[{\"op\":\"add\",\"path\":\"/language\",\"value\":\"en\"}]")));
		cells.add(write("FHIRPath patch", t -> new Call("PATCH", "/" + t.id(), null, fhirPathPatch(t.type()))));
		cells.add(write("delete", t -> new Call("DELETE", "/" + t.id(), null, null)));
		cells.add(write("conditional update", t -> new Call("PUT", "/" + t.type() + "?_id=" + t.idPart(), null,
				"{\"resourceType\":\"" + t.type() + "\",\"identifier\":[" + identifier(t) + "]}")));
		cells.add(write("conditional JSON patch", t -> new Call("PATCH", "/" + t.type() + "?_id=" + t.idPart(), "application/json-patch+json",
				"[{\"op\":\"add\",\"path\":\"/language\",\"value\":\"en\"}]")));
		cells.add(write("conditional delete", t -> new Call("DELETE", "/" + t.type() + "?_id=" + t.idPart(), null, null)));
		cells.add(write("transaction update entry", t -> new Call("POST", "", null,
				"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"" + t.type()
						+ "\",\"id\":\"" + t.idPart() + "\"},\"request\":{\"method\":\"PUT\",\"url\":\"" + t.id() + "\"}}]}")));
		cells.add(write("transaction delete entry", t -> new Call("POST", "", null,
				"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\""
						+ t.id() + "\"}}]}")));
		cells.add(write("transaction delete entry, id and a query", t -> new Call("POST", "", null,
				"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":{\"method\":\"DELETE\",\"url\":\""
						+ t.id() + "?\"}}]}")));
		cells.add(write("batch read and search entries", t -> new Call("POST", "", null,
				"{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"" + t.id()
						+ "\"}},{\"request\":{\"method\":\"GET\",\"url\":\"" + t.type() + "?_id=" + t.idPart() + "\"}}]}")));
		cells.add(write("$meta-add", t -> new Call("POST", "/" + t.id() + "/$meta-add", null,
				"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":{\"tag\":[{\"system\":\"https://x.example.org\",\"code\":\"x\"}]}}]}")));
		cells.add(new Cell("$meta", false, false, false, t -> new Call("GET", "/" + t.id() + "/$meta", null, null)));
		if ("ServiceRequest".equals(type)) {
			cells.add(read("$case", t -> new Call("GET", "/" + t.id() + "/$case", null, null)));
			cells.add(write("a Task for it", t -> new Call("POST", "/Task", null, "{\"resourceType\":\"Task\",\"identifier\":["
					+ identifier(t) + "],\"status\":\"requested\",\"intent\":\"order\",\"focus\":{\"reference\":\"" + t.id()
					+ "\"},\"for\":{\"reference\":\"" + t.ownPatient() + "\"}}")));
			cells.add(new Cell("$completeness", false, false, false, t -> new Call("GET", "/" + t.id() + "/$completeness", null, null)));
			cells.add(write("$match-experts", t -> new Call("GET", "/" + t.id() + "/$match-experts", null, null)));
			cells.add(write("$assign", t -> new Call("POST", "/" + t.id() + "/$assign", null,
					"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"expert\",\"valueReference\":{\"reference\":\"PractitionerRole/1\"}}]}")));
			cells.add(write("$reject", t -> new Call("POST", "/" + t.id() + "/$reject", null,
					"{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"reason\",\"valueString\":\"no\"}]}")));
		}
		if ("Patient".equals(type)) {
			cells.add(read("$everything", t -> new Call("GET", "/" + t.id() + "/$everything", null, null)));
		}
		return cells;
	}

	private static Cell read(String name, Function<Target, Call> call) {
		return new Cell(name, false, false, true, call);
	}

	private static Cell search(String name, Function<Target, Call> call) {
		return new Cell(name, true, false, true, call);
	}

	/** A search whose answer on the caller's own case need not show the resource (refused, or a count). */
	private static Cell probe(String name, Function<Target, Call> call) {
		return new Cell(name, true, false, false, call);
	}

	private static Cell write(String name, Function<Target, Call> call) {
		return new Cell(name, false, true, false, call);
	}

	private static String identifier(Target t) {
		return "{\"system\":\"https://matrix.example.org/id\",\"value\":\"" + t.unique() + "\"}";
	}

	/** A message about the target, filed under the caller's own patient and request, with a fresh identifier. */
	private static String communication(Target t, String about) {
		return "{\"resourceType\":\"Communication\",\"identifier\":[" + identifier(t) + "],\"status\":\"completed\","
				+ "\"basedOn\":[{\"reference\":\"" + about + "\"}],\"subject\":{\"reference\":\"" + t.ownPatient() + "\"},"
				+ "\"payload\":[{\"contentString\":\"About it\"}]}";
	}

	private static String fhirPathPatch(String type) {
		return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
				+ "{\"name\":\"type\",\"valueCode\":\"add\"},{\"name\":\"path\",\"valueString\":\"" + type + "\"},"
				+ "{\"name\":\"name\",\"valueString\":\"language\"},{\"name\":\"value\",\"valueCode\":\"en\"}]}]}";
	}

	private static Target target(String type, TwoOrganisations.Case target, TwoOrganisations.Case own) {
		String id = target.id(type);
		return new Target(type, id, id.substring(id.indexOf('/') + 1), own.id("Patient"), own.id("ServiceRequest"),
				"matrix-" + UUID.randomUUID());
	}

	/** What of the case the answer shows: its marker, or a resource with its label. */
	private static List<String> leaks(String where, HttpResponse<String> answer, TwoOrganisations.Case foreign) {
		List<String> leaks = new ArrayList<>();
		if (answer.body().contains(foreign.marker()) || answer.body().contains(foreign.label())) {
			leaks.add(where + ": the answer shows the other organisation's case: " + answer.body());
		}
		return leaks;
	}

	/** The body with the target's id replaced and the parts that differ by nature (ids, times) left out. */
	private static String normalised(String body, String idPart) {
		try {
			JsonNode tree = JSON.readTree(body);
			return tree.toString().replace(idPart, "<id>")
					.replaceAll("\"id\":\"[^\"]*\"", "\"id\":\"\"")
					.replaceAll("Took \\d+ms", "Took <n>ms");
		} catch (Exception e) {
			return body.replace(idPart, "<id>");
		}
	}

	private HttpResponse<String> send(String token, Call call) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + call.path().replace("|", "%7C")))
				.timeout(Duration.ofMinutes(2))
				.header("Authorization", "Bearer " + token)
				.header("Accept", "application/fhir+json");
		if (call.body() != null) {
			request.header("Content-Type", call.contentType() == null ? "application/fhir+json" : call.contentType());
		}
		return send(request.method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers.ofString(call.body())).build());
	}

	/** The version of every resource of the case, as the coordinator reads it. */
	private Map<String, String> versions(TwoOrganisations.Case target) {
		Map<String, String> versions = new LinkedHashMap<>();
		for (String id : target.all()) {
			HttpResponse<String> answer = as(cases.tokens.get("coordinator"), "GET", "/" + id, null);
			try {
				versions.put(id, answer.statusCode() + " " + JSON.readTree(answer.body()).path("meta").path("versionId").asText());
			} catch (Exception e) {
				versions.put(id, answer.statusCode() + " " + answer.body());
			}
		}
		return versions;
	}

	/** How many resources carry the identifier, whoever they belong to (the coordinator sees all). */
	private int stored(String unique) {
		int found = 0;
		for (String type : List.of("Communication", "Patient", "ServiceRequest", "DocumentReference", "Condition", "Task")) {
			HttpResponse<String> answer = as(cases.tokens.get("coordinator"), "GET",
					"/" + type + "?identifier=https://matrix.example.org/id|" + unique + "&_summary=count", null);
			try {
				found += JSON.readTree(answer.body()).path("total").asInt();
			} catch (Exception e) {
				throw new IllegalStateException(answer.body(), e);
			}
		}
		return found;
	}
}

package org.example.secondopinion.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.security.TestTokens;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The audit trail kept beside HAPI's storage: each record is stored before its request is answered, a
 * write's record commits or rolls back with the write, and the trail is searched as the docs say.
 */
class AuditTrailIT extends FhirServerIT {

	private static final String AUDIENCE = "https://second-opinion.example.org/fhir";

	@Autowired
	JWKSource<SecurityContext> serverKeys;

	@Autowired
	AuditTrail trail;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Autowired
	DaoRegistry daoRegistry;

	@Test
	void aReadsRecordIsSearchableAsSoonAsItIsAnswered() {
		String client = newClient();
		String token = token(client);
		String id = created(token, "Immediate");
		for (int i = 0; i < 5; i++) {
			assertThat(as(token, "GET", "/Patient/" + id, null).statusCode()).isEqualTo(200);
			assertThat(events("AuditEvent?altid=" + client + "&subtype=read")).hasSize(i + 1);
		}
	}

	@Test
	void aTransactionThatFailsHasOneRecordItsFailure() {
		String client = newClient();
		String family = "RolledBack-" + UUID.randomUUID();
		String transaction = """
				{"resourceType":"Bundle","type":"transaction","entry":[
				 {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{"resourceType":"Patient","name":[{"family":"%s"}]},
				  "request":{"method":"POST","url":"Patient"}},
				 {"resource":{"resourceType":"Patient","id":"does-not-exist-%s","name":[{"family":"x"}]},
				  "request":{"method":"PUT","url":"Patient/does-not-exist-%s","ifMatch":"W/\\"7\\""}}]}
				""".formatted(family, client, client);
		HttpResponse<String> failed = as(token(client), "POST", "", transaction);
		assertThat(failed.statusCode()).as(failed.body()).isBetween(400, 499);
		assertThat(count("Patient?family=" + family)).isZero();

		List<AuditEvent> events = events("AuditEvent?altid=" + client);
		assertThat(events).singleElement().satisfies(event -> {
			assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
			assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("transaction");
		});
	}

	@Test
	void aRecordMadeInAWritingTransactionCommitsOrRollsBackWithTheWrite() {
		String marker = newClient();
		TransactionTemplate transaction = new TransactionTemplate(transactionManager);
		for (boolean commit : new boolean[] {true, false}) {
			String outcome = commit ? "-kept" : "-undone";
			transaction.executeWithoutResult(status -> {
				daoRegistry.getResourceDao(Patient.class).create(
						new Patient().addName(new HumanName().setFamily(marker + outcome)), new SystemRequestDetails());
				AuditEvent event = new AuditEvent().setType(new Coding(null, "rest", null)).setRecorded(new java.util.Date());
				event.addAgent().setAltId(marker + outcome).setRequestor(true);
				trail.record(event);
				if (!commit) {
					status.setRollbackOnly();
				}
			});
		}
		assertThat(stored(marker + "-kept")).isEqualTo(1);
		assertThat(events("AuditEvent?altid=" + marker + "-kept")).hasSize(1);
		assertThat(stored(marker + "-undone")).isZero();
		assertThat(events("AuditEvent?altid=" + marker + "-undone")).isEmpty();
	}

	@Test
	void theTrailIsSearchedByEachDocumentedParameter() {
		String client = newClient();
		String token = token(client);
		Instant before = Instant.now().minus(1, ChronoUnit.SECONDS);
		String id = created(token, "Searched");
		as(token, "GET", "/Patient/" + id, null);
		assertThat(as(token, "GET", "/Organization?name=nobody", null).statusCode()).isEqualTo(403);
		String mine = "altid=" + client;

		assertThat(events("AuditEvent?" + mine)).hasSize(3);
		assertThat(events("AuditEvent?" + mine + "&patient=Patient/" + id)).hasSize(2);
		assertThat(events("AuditEvent?" + mine + "&patient=" + id)).hasSize(2);
		assertThat(events("AuditEvent?" + mine + "&entity=Patient/" + id)).hasSize(2);
		assertThat(events("AuditEvent?" + mine + "&subtype=create")).hasSize(1);
		assertThat(events("AuditEvent?" + mine + "&subtype=http://hl7.org/fhir/restful-interaction|read")).hasSize(1);
		assertThat(events("AuditEvent?" + mine + "&subtype=create,read")).hasSize(2);
		assertThat(events("AuditEvent?" + mine + "&action=C")).hasSize(1);
		assertThat(events("AuditEvent?" + mine + "&outcome=4")).singleElement()
				.satisfies(refused -> assertThat(refused.getOutcomeDesc()).startsWith("HTTP 403"));
		assertThat(events("AuditEvent?" + mine + "&entity-name=" + "get%20/fhir/organization")).hasSize(1);
		assertThat(events("AuditEvent?" + mine + "&type=rest")).hasSize(3);
		assertThat(events("AuditEvent?" + mine + "&agent=" + client)).hasSize(3);
		assertThat(events("AuditEvent?" + mine + "&date=ge" + before)).hasSize(3);
		assertThat(events("AuditEvent?" + mine + "&date=lt" + before)).isEmpty();
		assertThat(events("AuditEvent?" + mine + "&subtype=create&subtype=read")).as("AND of two values").isEmpty();
		assertThat(events("AuditEvent?_id=" + events("AuditEvent?" + mine + "&subtype=create").get(0).getIdPart())).hasSize(1);

		List<AuditEvent> newestFirst = events("AuditEvent?" + mine + "&_sort=-date");
		List<AuditEvent> oldestFirst = events("AuditEvent?" + mine + "&_sort=date");
		assertThat(newestFirst.get(0).getSubtypeFirstRep().getCode()).isEqualTo("search-type");
		assertThat(oldestFirst.get(0).getSubtypeFirstRep().getCode()).isEqualTo("create");
		assertThat(events("AuditEvent?" + mine)).extracting(AuditEvent::getIdPart)
				.containsExactlyElementsOf(newestFirst.stream().map(AuditEvent::getIdPart).toList());
	}

	@Test
	void pagesFollowOneAnotherWithoutRepeatingOrSkipping() {
		String client = newClient();
		String token = token(client);
		String id = created(token, "Paged");
		for (int i = 0; i < 4; i++) {
			as(token, "GET", "/Patient/" + id, null);
		}
		Bundle first = coordinator().search().byUrl("AuditEvent?altid=" + client + "&_count=2").returnBundle(Bundle.class).execute();
		Bundle second = coordinator().loadPage().next(first).execute();
		Bundle third = coordinator().loadPage().next(second).execute();
		assertThat(third.getLink(Bundle.LINK_NEXT)).isNull();
		List<String> ids = java.util.stream.Stream.of(first, second, third).flatMap(page -> page.getEntry().stream())
				.map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
		assertThat(ids).hasSize(5).doesNotHaveDuplicates();

		Bundle none = coordinator().search().byUrl("AuditEvent?altid=" + client + "&_count=0").returnBundle(Bundle.class).execute();
		assertThat(none.getEntry()).isEmpty();
		assertThat(none.getLink(Bundle.LINK_NEXT)).as("no link to the same empty page").isNull();
	}

	@Test
	void aParameterTheTrailIsNotSearchedByIsRefusedAndTheCapabilityStatementListsThoseItIs() {
		assertThatThrownBy(() -> coordinator().search().byUrl("AuditEvent?entity-type=1").returnBundle(Bundle.class).execute())
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("entity-type");
		assertThatThrownBy(() -> coordinator().search().byUrl("AuditEvent?_sort=outcome").returnBundle(Bundle.class).execute())
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("sorted by date");

		CapabilityStatement capabilities = client().capabilities().ofType(CapabilityStatement.class).execute();
		CapabilityStatement.CapabilityStatementRestResourceComponent auditEvent = capabilities.getRestFirstRep().getResource().stream()
				.filter(resource -> "AuditEvent".equals(resource.getType())).findFirst().orElseThrow();
		assertThat(auditEvent.getSearchParam()).extracting(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
				.contains("altid", "agent", "patient", "entity", "entity-name", "date", "type", "subtype", "action", "outcome", "source")
				.doesNotContain("entity-type", "address", "policy");
		assertThat(auditEvent.getInteraction()).extracting(interaction -> interaction.getCode().toCode())
				.containsExactlyInAnyOrder("read", "search-type");
	}

	@Test
	void onlyTheCoordinatorReadsTheTrailWhateverTheScopes() {
		String client = newClient();
		String everything = TestTokens.signed(TestTokens.serverKey(serverKeys), client, AUDIENCE, 3600, "system/*.cruds");
		created(everything, "Trail-Reader");
		String someEvent = events("AuditEvent?altid=" + client).get(0).getIdPart();

		Bundle searched = clientWithToken(everything).search().byUrl("AuditEvent?_count=50").returnBundle(Bundle.class).execute();
		assertThat(searched.getEntry()).as("nothing of the trail in a search").isEmpty();
		assertThat(as(everything, "GET", "/AuditEvent?altid=" + client, null).body()).doesNotContain("\"AuditEvent\"");
		assertThat(as(everything, "GET", "/AuditEvent/" + someEvent, null).statusCode()).as("a read by id").isEqualTo(404);
		assertThat(as(coordinatorToken(), "GET", "/AuditEvent/" + someEvent, null).statusCode()).isEqualTo(200);
	}

	private int stored(String family) {
		return daoRegistry.getResourceDao(Patient.class).search(new ca.uhn.fhir.jpa.searchparam.SearchParameterMap()
				.setLoadSynchronous(true).add("family", new ca.uhn.fhir.rest.param.StringParam(family).setExact(true)),
				new SystemRequestDetails()).size();
	}

	private String created(String token, String family) {
		HttpResponse<String> created = as(token, "POST", "/Patient", "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + family + "\"}]}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return created.headers().firstValue("Location").orElseThrow().replaceAll(".*/Patient/([^/]+)/_history.*", "$1");
	}

	private List<AuditEvent> events(String search) {
		return coordinator().search().byUrl(search + "&_count=100").returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> (AuditEvent) entry.getResource()).toList();
	}

	private static String newClient() {
		return "trail-" + UUID.randomUUID();
	}

	private String token(String client) {
		return TestTokens.signed(TestTokens.serverKey(serverKeys), client, AUDIENCE, 3600, "system/Patient.cruds");
	}
}

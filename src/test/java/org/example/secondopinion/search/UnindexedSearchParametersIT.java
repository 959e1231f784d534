package org.example.secondopinion.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import javax.sql.DataSource;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The AuditEvent search parameters the server switches off: not indexed, not searchable, not advertised. */
class UnindexedSearchParametersIT extends FhirServerIT {

	@Autowired
	DataSource dataSource;

	@Test
	void theAuditTrailIsIndexedOnlyByTheParametersItIsSearchedBy() {
		client().create().resource(new Patient().addName(new HumanName().setFamily("Unindexed"))).execute();
		awaitAuditTrailWritten();

		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		// the parameters kept are indexed (the client id, the network address was one of the most frequent rows)
		assertThat(auditIndexRows(jdbc, "HFJ_SPIDX_TOKEN", "altid")).isPositive();
		assertThat(auditIndexRows(jdbc, "HFJ_SPIDX_TOKEN", "subtype")).isPositive();
		for (String unindexed : List.of("entity-type", "entity-role", "agent-role", "site")) {
			assertThat(auditIndexRows(jdbc, "HFJ_SPIDX_TOKEN", unindexed)).as(unindexed).isZero();
		}
		for (String unindexed : List.of("address", "agent-name")) {
			assertThat(auditIndexRows(jdbc, "HFJ_SPIDX_STRING", unindexed)).as(unindexed).isZero();
		}
		assertThat(auditIndexRows(jdbc, "HFJ_SPIDX_URI", "policy")).isZero();
	}

	@Test
	void aSearchByAnUnindexedParameterIsRefusedAndTheOthersWork() {
		assertThatThrownBy(() -> coordinator().search().byUrl("AuditEvent?entity-type=http://terminology.hl7.org/CodeSystem/audit-entity-type|1")
				.returnBundle(Bundle.class).execute())
				.isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("entity-type");

		Bundle found = coordinator().search().byUrl("AuditEvent?subtype=create&outcome=0&_count=1").returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).isNotNull();
	}

	@Test
	void theCapabilityStatementListsTheKeptParametersOnly() {
		CapabilityStatement capabilities = client().capabilities().ofType(CapabilityStatement.class).execute();
		List<String> auditParameters = capabilities.getRestFirstRep().getResource().stream()
				.filter(resource -> "AuditEvent".equals(resource.getType()))
				.flatMap(resource -> resource.getSearchParam().stream()).map(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
				.toList();
		assertThat(auditParameters).contains("altid", "outcome", "patient", "entity", "entity-name", "date", "subtype")
				.doesNotContainAnyElementsOf(UnindexedSearchParameters.UNINDEXED.get("AuditEvent"));
	}

	private static int auditIndexRows(JdbcTemplate jdbc, String table, String parameter) {
		Integer rows = jdbc.queryForObject("SELECT COUNT(*) FROM " + table + " WHERE RES_TYPE = 'AuditEvent' AND SP_NAME = ?",
				Integer.class, parameter);
		return rows == null ? 0 : rows;
	}
}

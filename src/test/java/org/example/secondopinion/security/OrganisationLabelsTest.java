package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class OrganisationLabelsTest {

	private static final String ST_ELSEWHERE = "https://st-elsewhere.example.org/id/organization|st-elsewhere";

	@Test
	void setReplacesOnlyOurLabelsAndKeepsOthers() {
		Patient patient = new Patient();
		patient.getMeta().addSecurity().setSystem("http://terminology.hl7.org/CodeSystem/v3-Confidentiality").setCode("R");
		OrganisationLabels.set(patient, Set.of("https://other.example.org/id/organization|x"));

		OrganisationLabels.set(patient, Set.of(ST_ELSEWHERE));

		assertThat(OrganisationLabels.of(patient)).containsExactly(ST_ELSEWHERE);
		assertThat(patient.getMeta().getSecurity()).hasSize(2);
	}

	@Test
	void theSearchValueParsesBackToTheLabelEvenWithBarsAndCommasInTheCode() {
		for (String organisation : List.of(ST_ELSEWHERE, "urn:oid:1.2.3|a,b", "plain")) {
			TokenParam parsed = new TokenParam();
			parsed.setValueAsQueryToken(null, "_security", null, OrganisationLabels.searchValue(organisation));
			assertThat(parsed.getSystem()).isEqualTo(OrganisationLabels.SYSTEM);
			assertThat(parsed.getValue()).as(organisation).isEqualTo(organisation);
		}
	}

	@Test
	void theDirectoryIsSharedAndTheAuditTrailIsNeitherSharedNorLabelled() {
		assertThat(OrganisationLabels.isShared("PractitionerRole")).isTrue();
		assertThat(OrganisationLabels.isLabelled("PractitionerRole")).isFalse();
		assertThat(OrganisationLabels.isLabelled("DocumentReference")).isTrue();
		assertThat(OrganisationLabels.isShared("AuditEvent")).isFalse();
		assertThat(OrganisationLabels.isLabelled("AuditEvent")).isFalse();
	}
}

package org.example.secondopinion.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;

class UnindexedSearchParametersTest {

	private final List<SearchParameter> retired = UnindexedSearchParameters.retired(FhirContext.forR4Cached());

	@Test
	void eachTakesTheUrlTypeAndExpressionOfTheBuiltInItSwitchesOff() {
		assertThat(retired).hasSize(7).allSatisfy(parameter -> {
			assertThat(parameter.getStatus()).isEqualTo(PublicationStatus.RETIRED);
			assertThat(parameter.getUrl()).isEqualTo("http://hl7.org/fhir/SearchParameter/AuditEvent-" + parameter.getCode());
			assertThat(parameter.getBase()).extracting(base -> base.getValue()).containsExactly("AuditEvent");
			assertThat(parameter.getExpression()).startsWith("AuditEvent.");
			assertThat(parameter.getIdElement().getIdPart()).isEqualTo("unindexed-AuditEvent-" + parameter.getCode());
		});
		assertThat(byCode("address").getType()).isEqualTo(SearchParamType.STRING);
		assertThat(byCode("entity-type").getType()).isEqualTo(SearchParamType.TOKEN);
		assertThat(byCode("policy").getType()).isEqualTo(SearchParamType.URI);
	}

	@Test
	void theParametersTheTrailIsSearchedByAreKept() {
		assertThat(retired).extracting(SearchParameter::getCode)
				.doesNotContain("altid", "outcome", "patient", "entity", "entity-name", "date", "subtype", "type", "agent");
	}

	private SearchParameter byCode(String code) {
		return retired.stream().filter(parameter -> code.equals(parameter.getCode())).findFirst().orElseThrow();
	}
}

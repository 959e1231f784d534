package org.example.secondopinion.cases;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.example.secondopinion.lifecycle.CompletenessRule.PresentRecord;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.example.secondopinion.matching.WantedSpecialties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

class WorkflowPropertiesTest {

	@Test
	void withoutRequiredRecordsTheDefaultsApply() {
		WorkflowProperties properties = bind(Map.of());

		assertThat(properties.autoAssign()).isTrue();
		assertThat(properties.answerTime()).isEqualTo(Duration.ofDays(3));
		assertThat(properties.completenessRule().required("bone-soft-tissue-tumour"))
				.extracting(RequiredRecord::name)
				.containsExactly("pathology report", "imaging report", "imaging study");
	}

	@Test
	void requiredRecordsPerKindOfRequestAreConfigurable() {
		WorkflowProperties properties = bind(Map.of(
				"second-opinion.workflow.required-records.bone-soft-tissue-tumour[0].name", "pathology report",
				"second-opinion.workflow.required-records.bone-soft-tissue-tumour[0].loinc-codes", "11526-1",
				"second-opinion.workflow.required-records.default[0].name", "referral letter",
				"second-opinion.workflow.required-records.default[0].loinc-codes", "57133-1",
				"second-opinion.workflow.turnaround.urgent", "P2D",
				"second-opinion.workflow.auto-assign", "false"));

		assertThat(properties.autoAssign()).isFalse();
		assertThat(properties.turnaround()).containsEntry("urgent", Duration.ofDays(2));
		assertThat(properties.completenessRule().missing("bone-soft-tissue-tumour", List.of()))
				.extracting(RequiredRecord::name).containsExactly("pathology report");
		assertThat(properties.completenessRule().missing(null, List.of(new PresentRecord("57133-1", Set.of("text/plain")))))
				.isEmpty();
		assertThat(properties.completenessRule().required("anything-else"))
				.extracting(RequiredRecord::name).containsExactly("referral letter");
	}

	@Test
	void theShippedSpecialtiesAreTheTumourTeamForASarcomaAndAnOrthopaedicOncologistOtherwise() throws IOException {
		WantedSpecialties shipped = bindApplicationYaml().wantedSpecialties();

		assertThat(shipped.forKind("bone-soft-tissue-tumour"))
				.containsExactlyInAnyOrder("orthopaedic-oncology", "musculoskeletal-pathology", "musculoskeletal-radiology");
		assertThat(shipped.forKind("second-opinion")).containsExactly("orthopaedic-oncology");
		assertThat(shipped.forKind(null)).containsExactly("orthopaedic-oncology");
	}

	@Test
	void specialtiesPerKindOfRequestAreConfigurable() {
		WantedSpecialties wanted = bind(Map.of(
				"second-opinion.workflow.specialties.bone-soft-tissue-tumour[0]", "musculoskeletal-pathology",
				"second-opinion.workflow.specialties.default", "orthopaedic-oncology,musculoskeletal-radiology"))
				.wantedSpecialties();

		assertThat(wanted.forKind("bone-soft-tissue-tumour")).containsExactly("musculoskeletal-pathology");
		assertThat(wanted.forKind("anything-else"))
				.containsExactlyInAnyOrder("orthopaedic-oncology", "musculoskeletal-radiology");
	}

	@Test
	void withoutSpecialtiesNoKindOfRequestHasAPreference() {
		assertThat(bind(Map.of()).wantedSpecialties().forKind("bone-soft-tissue-tumour")).isEmpty();
	}

	@Test
	void aBlankSpecialtyCodeIsRefusedNamingTheKind() {
		WorkflowProperties properties = bind(Map.of(
				"second-opinion.workflow.specialties.bone-soft-tissue-tumour[0]", "musculoskeletal-pathology",
				"second-opinion.workflow.specialties.bone-soft-tissue-tumour[1]", " "));

		assertThatThrownBy(properties::wantedSpecialties)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("bone-soft-tissue-tumour");
	}

	private static WorkflowProperties bindApplicationYaml() throws IOException {
		var yaml = new YamlPropertySourceLoader().load("application.yaml", new ClassPathResource("application.yaml"));
		return new Binder(ConfigurationPropertySources.from(yaml))
				.bindOrCreate("second-opinion.workflow", WorkflowProperties.class);
	}

	private static WorkflowProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings))
				.bindOrCreate("second-opinion.workflow", WorkflowProperties.class);
	}
}

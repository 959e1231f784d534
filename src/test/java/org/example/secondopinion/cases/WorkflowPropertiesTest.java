package org.example.secondopinion.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.example.secondopinion.lifecycle.CompletenessRule.PresentRecord;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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

	private static WorkflowProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings))
				.bindOrCreate("second-opinion.workflow", WorkflowProperties.class);
	}
}

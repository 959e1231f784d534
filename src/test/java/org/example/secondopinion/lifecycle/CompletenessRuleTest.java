package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.example.secondopinion.lifecycle.CompletenessRule.PresentRecord;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.junit.jupiter.api.Test;

class CompletenessRuleTest {

	private static final String SARCOMA = "bone-soft-tissue-tumour";
	private static final PresentRecord PATHOLOGY = new PresentRecord("11526-1", Set.of("application/pdf"));
	private static final PresentRecord IMAGING_REPORT = new PresentRecord("18748-4", Set.of("text/plain; charset=utf-8"));
	private static final PresentRecord IMAGING_STUDY = new PresentRecord("18748-4", Set.of("application/dicom"));

	private final CompletenessRule rule = CompletenessRule.defaults();

	@Test
	void aSarcomaRequestWithoutItsPathologyReportMissesOneRecord() {
		assertThat(rule.missing(SARCOMA, List.of(IMAGING_REPORT, IMAGING_STUDY)))
				.extracting(RequiredRecord::name).containsExactly("pathology report");
	}

	@Test
	void aCompleteSarcomaRequestMissesNothing() {
		assertThat(rule.missing(SARCOMA, List.of(PATHOLOGY, IMAGING_REPORT, IMAGING_STUDY))).isEmpty();
	}

	@Test
	void anyPathologyReportTypeWillDo() {
		for (String loinc : List.of("11526-1", "60568-3", "22637-3")) {
			assertThat(rule.missing(SARCOMA, List.of(new PresentRecord(loinc, null), IMAGING_REPORT, IMAGING_STUDY)))
					.as(loinc).isEmpty();
		}
	}

	@Test
	void anImagingReportIsNoImagingStudy() {
		assertThat(rule.missing(SARCOMA, List.of(PATHOLOGY, IMAGING_REPORT)))
				.extracting(RequiredRecord::name).containsExactly("imaging study");
		assertThat(rule.missing(SARCOMA, List.of(PATHOLOGY, IMAGING_STUDY)))
				.extracting(RequiredRecord::name).containsExactly("imaging report");
	}

	@Test
	void oneRecordWithAReportAndAnArchiveAttachedIsBothReportAndStudy() {
		PresentRecord both = new PresentRecord("18748-4", Set.of("application/pdf", "application/zip"));

		assertThat(rule.missing(SARCOMA, List.of(PATHOLOGY, both))).isEmpty();
	}

	@Test
	void anImagingRecordWithoutContentTypeSatisfiesNeitherReportNorStudy() {
		assertThat(rule.missing(SARCOMA, List.of(PATHOLOGY, new PresentRecord("18748-4", Set.of()))))
				.extracting(RequiredRecord::name).containsExactly("imaging report", "imaging study");
	}

	@Test
	void anEmptySarcomaRequestMissesAllThreeInOrder() {
		assertThat(rule.missing(SARCOMA, List.of()))
				.extracting(RequiredRecord::name).containsExactly("pathology report", "imaging report", "imaging study");
	}

	@Test
	void anyOtherRequestNeedsOneClinicalSummaryOrPathologyReport() {
		assertThat(rule.missing(null, List.of())).hasSize(1);
		assertThat(rule.missing("something-else", List.of(new PresentRecord("57133-1", null)))).isEmpty();
		assertThat(rule.missing(null, List.of(PATHOLOGY))).isEmpty();
		assertThat(rule.missing(null, List.of(IMAGING_STUDY))).hasSize(1);
	}

	@Test
	void theRequiredRecordsAreConfigurable() {
		RequiredRecord opNote = new RequiredRecord("operative note", Set.of("11504-8"));
		CompletenessRule configured = new CompletenessRule(Map.of("unplanned-excision", List.of(opNote)), List.of());

		assertThat(configured.missing("unplanned-excision", List.of(PATHOLOGY))).containsExactly(opNote);
		assertThat(configured.missing("other", List.of())).isEmpty();
	}
}

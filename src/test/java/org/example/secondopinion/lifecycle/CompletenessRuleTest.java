package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.example.secondopinion.lifecycle.CompletenessRule.PresentRecord;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.example.secondopinion.lifecycle.CompletenessRule.Structured;
import org.junit.jupiter.api.Test;

class CompletenessRuleTest {

	private static final String SARCOMA = "bone-soft-tissue-tumour";
	private static final PresentRecord PATHOLOGY = new PresentRecord("11526-1", Set.of("application/pdf"));
	private static final PresentRecord IMAGING_REPORT = new PresentRecord("18748-4", Set.of("text/plain; charset=utf-8"));
	private static final PresentRecord IMAGING_STUDY = new PresentRecord("18748-4", Set.of("application/dicom"));

	private final CompletenessRule rule = CompletenessRule.defaults();

	private static final String V2 = "http://terminology.hl7.org/CodeSystem/v2-0074|";
	private static final String LOINC = "http://loinc.org|";

	@Test
	void structuredRecordsAloneCompleteASarcomaRequest() {
		List<PresentRecord> structured = List.of(PresentRecord.structured(Structured.PATHOLOGY_REPORT),
				PresentRecord.structured(Structured.IMAGING_REPORT), PresentRecord.structured(Structured.IMAGING_STUDY));
		assertThat(rule.missing(SARCOMA, structured)).isEmpty();
		assertThat(rule.missing(SARCOMA, structured.subList(0, 2))).extracting(RequiredRecord::name).containsExactly("imaging study");
		assertThat(rule.missing(SARCOMA, List.of(PATHOLOGY, IMAGING_REPORT, PresentRecord.structured(Structured.IMAGING_STUDY))))
				.as("documents and structured records mixed").isEmpty();
		assertThat(rule.missing("something-else", List.of(PresentRecord.structured(Structured.PATHOLOGY_REPORT))))
				.as("a pathology report is enough for any other request").isEmpty();
		assertThat(rule.missing("something-else", List.of(PresentRecord.structured(Structured.IMAGING_STUDY)))).hasSize(1);
	}

	@Test
	void aDiagnosticReportIsPathologyOrRadiologyByItsCodeOrCategory() {
		assertThat(CompletenessRule.reportKind(List.of(LOINC + "60568-3"), List.of())).contains(Structured.PATHOLOGY_REPORT);
		assertThat(CompletenessRule.reportKind(List.of(LOINC + "24356-8"), List.of(V2 + "SP"))).contains(Structured.PATHOLOGY_REPORT);
		assertThat(CompletenessRule.reportKind(List.of(), List.of(V2 + "PAT"))).contains(Structured.PATHOLOGY_REPORT);
		assertThat(CompletenessRule.reportKind(List.of(), List.of(LOINC + "LP7839-6"))).contains(Structured.PATHOLOGY_REPORT);
		assertThat(CompletenessRule.reportKind(List.of(LOINC + "24558-9"), List.of(V2 + "RAD"))).contains(Structured.IMAGING_REPORT);
		assertThat(CompletenessRule.reportKind(List.of(), List.of(LOINC + "LP29684-5"))).contains(Structured.IMAGING_REPORT);
		assertThat(CompletenessRule.reportKind(List.of(LOINC + "58410-2"), List.of(V2 + "HM"))).as("a blood count").isEmpty();
		assertThat(CompletenessRule.reportKind(List.of("http://example.org|11526-1"), List.of())).as("not LOINC").isEmpty();
	}

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

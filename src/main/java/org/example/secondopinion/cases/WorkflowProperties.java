package org.example.secondopinion.cases;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.example.secondopinion.lifecycle.CompletenessRule;
import org.example.secondopinion.lifecycle.CompletenessRule.RequiredRecord;
import org.example.secondopinion.matching.WantedSpecialties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the second-opinion workflow, bound from {@code second-opinion.workflow.*}.
 *
 * @param autoAssign      assign the best-ranked expert as soon as a case has all its records
 * @param turnaround      time to a due date per priority (routine, urgent, asap, stat); priorities not
 *                        named keep their defaults (10 days, 3 days, 1 day, 4 hours)
 * @param answerTime      time the referrer is given to answer an expert's question
 * @param requiredRecords records each kind of request needs, keyed by its so-codes category code, with
 *                        the key {@value #DEFAULT_KIND} for any other request; empty means our defaults
 *                        ({@link CompletenessRule#defaults()})
 * @param specialties     the specialties (so-codes codes) each kind of request wants when it names none
 *                        in performerType, keyed like {@code requiredRecords}; a kind not named, or with
 *                        an empty list, has no preference (application.yaml holds ours)
 */
@ConfigurationProperties("second-opinion.workflow")
public record WorkflowProperties(
		@DefaultValue("true") boolean autoAssign,
		@DefaultValue Map<String, Duration> turnaround,
		@DefaultValue("P3D") Duration answerTime,
		@DefaultValue Map<String, List<RecordSetting>> requiredRecords,
		@DefaultValue Map<String, Set<String>> specialties) {

	public static final String DEFAULT_KIND = "default";

	/**
	 * One required record: its name as the referrer reads it, the LOINC document types that satisfy it,
	 * where the type alone cannot tell, the attachment content types (empty: any), and the structured records
	 * that satisfy it too ({@code pathology-report}, {@code imaging-report}, {@code imaging-study}; empty: none).
	 */
	public record RecordSetting(String name, Set<String> loincCodes, @DefaultValue Set<String> contentTypes,
			@DefaultValue Set<String> structured) {}

	/** @throws IllegalArgumentException for a blank specialty code */
	public WantedSpecialties wantedSpecialties() {
		Map<String, Set<String>> byKind = new LinkedHashMap<>(specialties);
		Set<String> byDefault = byKind.remove(DEFAULT_KIND);
		return new WantedSpecialties(byKind, byDefault == null ? Set.of() : byDefault);
	}

	public CompletenessRule completenessRule() {
		if (requiredRecords.isEmpty()) {
			return CompletenessRule.defaults();
		}
		Map<String, List<RequiredRecord>> byKind = new LinkedHashMap<>();
		requiredRecords.forEach((kind, records) -> byKind.put(kind, records.stream()
				.map(r -> new RequiredRecord(r.name(), r.loincCodes(), r.contentTypes(),
						r.structured().stream().map(CompletenessRule.Structured::ofCode).collect(java.util.stream.Collectors.toSet())))
				.toList()));
		List<RequiredRecord> byDefault = byKind.getOrDefault(DEFAULT_KIND, List.of());
		byKind.remove(DEFAULT_KIND);
		return new CompletenessRule(byKind, byDefault);
	}
}

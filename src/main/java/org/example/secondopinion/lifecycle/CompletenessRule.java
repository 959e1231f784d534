package org.example.secondopinion.lifecycle;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which records a request must have before an expert can look at it. Record collection is the main
 * delay of a second opinion, and an expert who starts on an incomplete file wastes the time saved:
 * bone and soft-tissue pathology consults do not proceed without the imaging. What counts as
 * complete depends on the kind of request (a so-codes code such as {@code bone-soft-tissue-tumour}),
 * so the lists are configuration; {@link #defaults()} gives ours.
 *
 * <p>A record is recognised by its LOINC document type and, where the type alone cannot tell, by its
 * attachments' content types: an imaging report and the imaging study itself are both LOINC 18748-4
 * "Diagnostic imaging study", but the report is text or PDF and the study is DICOM or an archive.
 */
public final class CompletenessRule {

	public static final String BONE_SOFT_TISSUE_TUMOUR = "bone-soft-tissue-tumour";

	private static final Set<String> PATHOLOGY = Set.of("11526-1", "60568-3", "22637-3");
	private static final Set<String> DIAGNOSTIC_IMAGING = Set.of("18748-4");

	/**
	 * A record the request must include.
	 *
	 * @param name                 how the record is named to the referrer ("pathology report")
	 * @param acceptedLoincCodes   any one of these document types satisfies it
	 * @param acceptedContentTypes prefixes of the media types an attachment must have (e.g.
	 *                             {@code application/dicom}); empty means any content
	 */
	public record RequiredRecord(String name, Set<String> acceptedLoincCodes, Set<String> acceptedContentTypes) {

		public RequiredRecord {
			Objects.requireNonNull(name, "name");
			acceptedLoincCodes = Set.copyOf(acceptedLoincCodes);
			acceptedContentTypes = acceptedContentTypes == null ? Set.of() : lowerCase(acceptedContentTypes);
		}

		/** A record recognised by its document type alone. */
		public RequiredRecord(String name, Set<String> acceptedLoincCodes) {
			this(name, acceptedLoincCodes, Set.of());
		}

		public boolean isSatisfiedBy(PresentRecord record) {
			return acceptedLoincCodes.contains(record.loincCode())
					&& (acceptedContentTypes.isEmpty() || record.contentTypes().stream().anyMatch(this::accepts));
		}

		/** Compares the media type without its parameters ({@code ;charset=...}), ignoring case. */
		private boolean accepts(String contentType) {
			String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
			return acceptedContentTypes.stream().anyMatch(mediaType::startsWith);
		}

		private static Set<String> lowerCase(Set<String> values) {
			return Set.copyOf(values.stream().map(value -> value.toLowerCase(Locale.ROOT)).toList());
		}
	}

	/**
	 * A record the request has: a DocumentReference's LOINC type and the content types of its attachments.
	 */
	public record PresentRecord(String loincCode, Set<String> contentTypes) {

		public PresentRecord {
			contentTypes = contentTypes == null ? Set.of()
					: contentTypes.stream().filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());
		}
	}

	private final Map<String, List<RequiredRecord>> requiredByKind;
	private final List<RequiredRecord> requiredByDefault;

	/**
	 * @param requiredByKind    request-kind code → the records that kind needs
	 * @param requiredByDefault what any other request (or one without a kind) needs
	 */
	public CompletenessRule(Map<String, List<RequiredRecord>> requiredByKind, List<RequiredRecord> requiredByDefault) {
		this.requiredByKind = Map.copyOf(requiredByKind);
		this.requiredByDefault = List.copyOf(requiredByDefault);
	}

	/**
	 * Our lists.
	 * <ul>
	 * <li>{@code bone-soft-tissue-tumour}: a pathology report (11526-1, 60568-3 or 22637-3), an imaging
	 * report (18748-4 as text, HTML or PDF) and the imaging study (18748-4 as DICOM or an archive of it).</li>
	 * <li>any other request: one record to form an opinion from, either a summary of the clinical story
	 * (referral note 57133-1, consult note 11488-4, history and physical 34117-2, discharge summary
	 * 18842-5) or the pathology report the diagnosis rests on. We cannot know what else an unknown kind
	 * of request needs, so we ask only that the expert is not sent an empty file and leave the rest to
	 * triage; the referrer's questions travel in ServiceRequest.note, not as a record.</li>
	 * </ul>
	 */
	public static CompletenessRule defaults() {
		RequiredRecord pathologyReport = new RequiredRecord("pathology report", PATHOLOGY);
		RequiredRecord imagingReport = new RequiredRecord("imaging report", DIAGNOSTIC_IMAGING,
				Set.of("text/plain", "text/html", "application/pdf"));
		RequiredRecord imagingStudy = new RequiredRecord("imaging study", DIAGNOSTIC_IMAGING,
				Set.of("application/dicom", "application/zip", "application/x-zip-compressed", "application/octet-stream"));
		RequiredRecord clinicalSummary = new RequiredRecord("a clinical summary, referral letter or pathology report",
				Set.of("57133-1", "11488-4", "34117-2", "18842-5", "11526-1", "60568-3", "22637-3"));
		return new CompletenessRule(
				Map.of(BONE_SOFT_TISSUE_TUMOUR, List.of(pathologyReport, imagingReport, imagingStudy)),
				List.of(clinicalSummary));
	}

	/** The records the request still lacks, in the configured order; empty when complete. */
	public List<RequiredRecord> missing(String requestKind, Collection<PresentRecord> present) {
		return required(requestKind).stream()
				.filter(required -> present.stream().noneMatch(required::isSatisfiedBy))
				.toList();
	}

	/** The records a kind of request needs; a missing or unknown kind gets the default list. */
	public List<RequiredRecord> required(String requestKind) {
		return requestKind == null ? requiredByDefault : requiredByKind.getOrDefault(requestKind, requiredByDefault);
	}
}

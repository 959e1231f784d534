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
 *
 * <p>EHRs also send the same records structured, and those count as well: a pathology DiagnosticReport
 * (coded with one of the pathology LOINC types, or in category pathology), a radiology DiagnosticReport
 * and an ImagingStudy are each a {@link Structured} record, which a required record may accept.
 */
public final class CompletenessRule {

	public static final String BONE_SOFT_TISSUE_TUMOUR = "bone-soft-tissue-tumour";

	private static final Set<String> PATHOLOGY = Set.of("11526-1", "60568-3", "22637-3");
	private static final Set<String> DIAGNOSTIC_IMAGING = Set.of("18748-4");

	/** The structured equivalents of the documents a review needs, as configuration names them. */
	public enum Structured {
		/** A DiagnosticReport of pathology: one of the pathology LOINC codes, or category PAT, SP (v2-0074) or LP7839-6 (LOINC). */
		PATHOLOGY_REPORT("pathology-report"),
		/** A DiagnosticReport of radiology: category RAD (v2-0074) or LP29684-5 (LOINC), or coded 18748-4. */
		IMAGING_REPORT("imaging-report"),
		/** An ImagingStudy. */
		IMAGING_STUDY("imaging-study");

		private final String code;

		Structured(String code) {
			this.code = code;
		}

		public String code() {
			return code;
		}

		public static Structured ofCode(String code) {
			for (Structured structured : values()) {
				if (structured.code.equals(code)) {
					return structured;
				}
			}
			throw new IllegalArgumentException("Unknown structured record '" + code + "'; known: pathology-report, imaging-report, imaging-study");
		}
	}

	private static final String V2_DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074";
	private static final String LOINC = "http://loinc.org";

	/**
	 * What a DiagnosticReport is, by its codes: its {@code code} and {@code category} codings, each as
	 * {@code system|code}. Empty when it is neither pathology nor radiology.
	 */
	public static java.util.Optional<Structured> reportKind(Collection<String> codes, Collection<String> categories) {
		boolean pathology = codes.stream().anyMatch(code -> PATHOLOGY.stream().anyMatch(loinc -> code.equals(LOINC + "|" + loinc)))
				|| categories.stream().anyMatch(category -> category.equals(V2_DIAGNOSTIC_SERVICE + "|PAT")
						|| category.equals(V2_DIAGNOSTIC_SERVICE + "|SP") || category.equals(LOINC + "|LP7839-6"));
		if (pathology) {
			return java.util.Optional.of(Structured.PATHOLOGY_REPORT);
		}
		boolean radiology = categories.stream().anyMatch(category -> category.equals(V2_DIAGNOSTIC_SERVICE + "|RAD")
				|| category.equals(LOINC + "|LP29684-5"))
				|| codes.stream().anyMatch(code -> DIAGNOSTIC_IMAGING.stream().anyMatch(loinc -> code.equals(LOINC + "|" + loinc)));
		return radiology ? java.util.Optional.of(Structured.IMAGING_REPORT) : java.util.Optional.empty();
	}

	/**
	 * A record the request must include.
	 *
	 * @param name                 how the record is named to the referrer ("pathology report")
	 * @param acceptedLoincCodes   any one of these document types satisfies it
	 * @param acceptedContentTypes prefixes of the media types an attachment must have (e.g.
	 *                             {@code application/dicom}); empty means any content
	 * @param acceptedStructured   the structured records that satisfy it as well as a document does
	 */
	public record RequiredRecord(String name, Set<String> acceptedLoincCodes, Set<String> acceptedContentTypes,
			Set<Structured> acceptedStructured) {

		public RequiredRecord {
			Objects.requireNonNull(name, "name");
			acceptedLoincCodes = Set.copyOf(acceptedLoincCodes);
			acceptedContentTypes = acceptedContentTypes == null ? Set.of() : lowerCase(acceptedContentTypes);
			acceptedStructured = acceptedStructured == null ? Set.of() : Set.copyOf(acceptedStructured);
		}

		/** A record recognised by its document type and content types, with no structured equivalent. */
		public RequiredRecord(String name, Set<String> acceptedLoincCodes, Set<String> acceptedContentTypes) {
			this(name, acceptedLoincCodes, acceptedContentTypes, Set.of());
		}

		/** A record recognised by its document type alone. */
		public RequiredRecord(String name, Set<String> acceptedLoincCodes) {
			this(name, acceptedLoincCodes, Set.of());
		}

		public boolean isSatisfiedBy(PresentRecord record) {
			if (record.structured() != null) {
				return acceptedStructured.contains(record.structured());
			}
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
	 * A record the request has: a DocumentReference's LOINC type and the content types of its attachments,
	 * or a structured record ({@code structured} set, the other two empty).
	 */
	public record PresentRecord(String loincCode, Set<String> contentTypes, Structured structured) {

		public PresentRecord {
			contentTypes = contentTypes == null ? Set.of()
					: contentTypes.stream().filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());
		}

		/** A document. */
		public PresentRecord(String loincCode, Set<String> contentTypes) {
			this(loincCode, contentTypes, null);
		}

		public static PresentRecord structured(Structured structured) {
			return new PresentRecord(null, Set.of(), Objects.requireNonNull(structured, "structured"));
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
	 * <li>{@code bone-soft-tissue-tumour}: a pathology report (11526-1, 60568-3 or 22637-3, or a pathology
	 * DiagnosticReport), an imaging report (18748-4 as text, HTML or PDF, or a radiology DiagnosticReport) and
	 * the imaging study (18748-4 as DICOM or an archive of it, or an ImagingStudy).</li>
	 * <li>any other request: one record to form an opinion from, either a summary of the clinical story
	 * (referral note 57133-1, consult note 11488-4, history and physical 34117-2, discharge summary
	 * 18842-5) or the pathology report the diagnosis rests on (a document or a pathology DiagnosticReport). We cannot know what else an unknown kind
	 * of request needs, so we ask only that the expert is not sent an empty file and leave the rest to
	 * triage; the referrer's questions travel in ServiceRequest.note, not as a record.</li>
	 * </ul>
	 */
	public static CompletenessRule defaults() {
		RequiredRecord pathologyReport = new RequiredRecord("pathology report", PATHOLOGY, Set.of(),
				Set.of(Structured.PATHOLOGY_REPORT));
		RequiredRecord imagingReport = new RequiredRecord("imaging report", DIAGNOSTIC_IMAGING,
				Set.of("text/plain", "text/html", "application/pdf"), Set.of(Structured.IMAGING_REPORT));
		RequiredRecord imagingStudy = new RequiredRecord("imaging study", DIAGNOSTIC_IMAGING,
				Set.of("application/dicom", "application/zip", "application/x-zip-compressed", "application/octet-stream"),
				Set.of(Structured.IMAGING_STUDY));
		RequiredRecord clinicalSummary = new RequiredRecord("a clinical summary, referral letter or pathology report",
				Set.of("57133-1", "11488-4", "34117-2", "18842-5", "11526-1", "60568-3", "22637-3"), Set.of(),
				Set.of(Structured.PATHOLOGY_REPORT));
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

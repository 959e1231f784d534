package org.example.secondopinion.validation;

import static org.example.secondopinion.profiles.SecondOpinionIg.CODES;
import static org.example.secondopinion.profiles.SecondOpinionIg.V2_REFERRAL_REASON;
import static org.example.secondopinion.profiles.SecondOpinionIg.V2_REFERRAL_TYPE;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * Tells which of our profiles a resource must meet when it does not say so itself: real EHRs do
 * not know our profile URLs, so a resource is recognised as part of a second-opinion case by its
 * codes and by what it refers to (see fhir-profiles/README.md).
 */
public final class CaseResourceRecognizer {

	private static final List<Coding> SECOND_OPINION_REQUEST_CODES = List.of(
			new Coding(V2_REFERRAL_REASON, "S", null),
			new Coding(V2_REFERRAL_TYPE, "SO", null),
			new Coding(CODES, "second-opinion", null),
			new Coding(CODES, "bone-soft-tissue-tumour", null));

	private static final Coding EXPERT_ROLE = new Coding(CODES, "expert", null);

	private final Function<Reference, Optional<String>> referenceTargetType;
	private final Function<Reference, Optional<? extends IBaseResource>> resolve;

	/**
	 * @param referenceTargetType tells the resource type a reference points to, when that can be
	 *                            known (e.g. from the bundle entry a urn:uuid reference names)
	 * @param resolve             reads what a reference names (a bundle entry, a stored resource), empty
	 *                            when it names nothing known; tells an opinion from a hospital's report
	 */
	public CaseResourceRecognizer(Function<Reference, Optional<String>> referenceTargetType,
			Function<Reference, Optional<? extends IBaseResource>> resolve) {
		this.referenceTargetType = referenceTargetType;
		this.resolve = resolve;
	}

	/** The profile URL the resource must conform to as part of a second-opinion case, if it is one. */
	public Optional<String> profileFor(IBaseResource resource) {
		if (resource instanceof ServiceRequest request && isSecondOpinionRequest(request)) {
			return Optional.of(SecondOpinionIg.REQUEST);
		}
		if (resource instanceof DocumentReference record && pointsToRequest(record.getContext().getRelated().stream())) {
			return Optional.of(SecondOpinionIg.RECORD);
		}
		if (resource instanceof Task task && pointsToRequest(Stream.of(task.getFocus()))) {
			return Optional.of(SecondOpinionIg.TASK);
		}
		if (resource instanceof DiagnosticReport report && isOpinion(report, resolve)) {
			return Optional.of(SecondOpinionIg.OPINION);
		}
		if (resource instanceof Communication message && pointsToRequest(message.getBasedOn().stream())) {
			return Optional.of(SecondOpinionIg.COMMUNICATION);
		}
		if (resource instanceof PractitionerRole role && hasAny(role.getCode(), List.of(EXPERT_ROLE))) {
			return Optional.of(SecondOpinionIg.EXPERT);
		}
		return Optional.empty();
	}

	public static boolean isSecondOpinionRequest(ServiceRequest request) {
		return hasAny(request.getCategory(), SECOND_OPINION_REQUEST_CODES)
				|| hasAny(List.of(request.getCode()), SECOND_OPINION_REQUEST_CODES);
	}

	/**
	 * Whether a DiagnosticReport is an opinion rather than one of the hospital's own reports: it claims the
	 * opinion profile, or it is based on a second-opinion request. A report based on some other order (the
	 * hospital's pathology order) is a record.
	 *
	 * @param resolve reads what a reference names, empty when it names nothing stored
	 */
	public static boolean isOpinion(DiagnosticReport report, Function<Reference, Optional<? extends IBaseResource>> resolve) {
		if (CaseProfileValidator.declaresProfile(report, SecondOpinionIg.OPINION)) {
			return true;
		}
		return report.getBasedOn().stream()
				.filter(reference -> reference.getReferenceElement().getResourceType() == null
						|| "ServiceRequest".equals(reference.getReferenceElement().getResourceType()))
				.map(resolve)
				.flatMap(Optional::stream)
				.anyMatch(target -> target instanceof ServiceRequest request
						&& (isSecondOpinionRequest(request) || CaseProfileValidator.declaresProfile(request, SecondOpinionIg.REQUEST)));
	}

	private boolean pointsToRequest(Stream<Reference> references) {
		return references
				.map(referenceTargetType)
				.anyMatch(type -> type.filter("ServiceRequest"::equals).isPresent());
	}

	private static boolean hasAny(List<CodeableConcept> concepts, List<Coding> wanted) {
		return concepts.stream()
				.flatMap(concept -> concept.getCoding().stream())
				.anyMatch(coding -> wanted.stream().anyMatch(w ->
						w.getSystem().equals(coding.getSystem()) && w.getCode().equals(coding.getCode())));
	}
}

package org.example.secondopinion.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IInstanceValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Validates a resource against base R4 and, when it is part of a second-opinion case, against
 * our profile for it, whether or not it claims that profile in meta.profile. Uses HAPI's instance
 * validator's settings and the server's validation support (base R4 definitions plus our stored guide),
 * with its core validators reused ({@link ReusedInstanceValidators}).
 */
@Component
public class CaseProfileValidator {

	private final FhirContext fhirContext;
	private final FhirValidator validator;
	private final ReferencedResources referencedResources;

	public CaseProfileValidator(FhirContext fhirContext, IInstanceValidatorModule instanceValidator,
			ReferencedResources referencedResources) {
		this.fhirContext = fhirContext;
		this.validator = fhirContext.newValidator().registerValidatorModule(
				new ReusedInstanceValidators((FhirInstanceValidator) instanceValidator));
		this.referencedResources = referencedResources;
	}

	/**
	 * @param bundleEntries fullUrl → resource of the entries of the bundle the resource came in (empty
	 *                      when it came alone), to recognise references between entries
	 */
	public ValidationResult validate(IBaseResource resource, Map<String, IBaseResource> bundleEntries) {
		ValidationOptions options = new ValidationOptions();
		requiredProfile(resource, bundleEntries)
				.filter(profile -> !declaresProfile(resource, profile))
				.ifPresent(options::addProfile);
		return validator.validateWithResult(withoutProfilesCheckedElsewhere(resource), options);
	}

	/**
	 * A topic-based subscription must claim the Subscriptions Backport IG's profile: that claim is how
	 * HAPI tells it from a criteria-based one. The server does not ship that guide's definitions;
	 * HAPI's subscription validation checks what the profile requires (a known topic, a channel, a
	 * payload content code), so the instance validator sees the resource without the claim.
	 */
	private IBaseResource withoutProfilesCheckedElsewhere(IBaseResource resource) {
		if (!declaresProfile(resource, SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL)) {
			return resource;
		}
		IBaseResource copy = fhirContext.newTerser().clone(resource);
		copy.getMeta().getProfile().removeIf(
				profile -> SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL.equals(profile.getValueAsString()));
		return copy;
	}

	/** The same for a result HAPI's own validation ({@code $validate}) produced: drops "profile not found" for those claims. */
	public static ValidationResult withoutProfilesCheckedElsewhere(ValidationResult result) {
		List<SingleValidationMessage> kept = result.getMessages().stream()
				.filter(message -> message.getMessage() == null
						|| !message.getMessage().contains(SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL))
				.toList();
		return kept.size() == result.getMessages().size() ? result : new ValidationResult(result.getContext(), kept);
	}

	/** Our profile the resource must meet although it does not claim it, if any. */
	public Optional<String> requiredProfile(IBaseResource resource, Map<String, IBaseResource> bundleEntries) {
		Map<String, String> types = new java.util.HashMap<>();
		bundleEntries.forEach((fullUrl, entry) -> types.put(fullUrl, entry.fhirType()));
		return new CaseResourceRecognizer(new ReferenceTargetTypes(types), referencedResources.resolver(bundleEntries))
				.profileFor(resource);
	}

	public static boolean declaresProfile(IBaseResource resource, String profile) {
		return resource.getMeta().getProfile().stream()
				.map(IPrimitiveType::getValueAsString)
				.anyMatch(profile::equals);
	}

	/** The errors of a validation result as an OperationOutcome, each issue naming the element (FHIRPath). */
	public OperationOutcome errorsAsOutcome(ValidationResult result) {
		OperationOutcome outcome = new OperationOutcome();
		for (SingleValidationMessage message : errors(result)) {
			String location = message.getLocationString();
			outcome.addIssue()
					.setSeverity(message.getSeverity() == ResultSeverityEnum.FATAL ? IssueSeverity.FATAL : IssueSeverity.ERROR)
					.setCode(IssueType.PROCESSING)
					.setDiagnostics(location == null ? message.getMessage() : location + ": " + message.getMessage())
					.setExpression(location == null ? List.of() : List.of(new StringType(location)));
		}
		return outcome;
	}

	public static List<SingleValidationMessage> errors(ValidationResult result) {
		List<SingleValidationMessage> errors = new ArrayList<>();
		for (SingleValidationMessage message : result.getMessages()) {
			if (message.getSeverity() != null && message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal()) {
				errors.add(message);
			}
		}
		return errors;
	}

	FhirContext fhirContext() {
		return fhirContext;
	}
}

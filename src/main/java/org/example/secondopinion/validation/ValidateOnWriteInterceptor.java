package org.example.secondopinion.validation;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.example.secondopinion.profiles.ImplementationGuideLoader;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;

/**
 * Validation on write: every resource created or updated through the API is checked against base
 * R4 and, when it belongs to a second-opinion case, against our profile for it. A failure answers
 * 422 with an OperationOutcome naming each element; inside a transaction it rolls the whole
 * transaction back, so nothing of a bad bundle is stored.
 *
 * <p>{@code $validate} gives the same answer: the profile the server would require on write is
 * added to what HAPI's validation found.
 */
@Interceptor(order = InterceptorOrder.VALIDATION)
public class ValidateOnWriteInterceptor {

	private static final String BUNDLE_ENTRY_TYPES = ValidateOnWriteInterceptor.class.getName() + ".entryTypes";

	private final CaseProfileValidator validator;

	public ValidateOnWriteInterceptor(CaseProfileValidator validator) {
		this.validator = validator;
	}

	/** Remembers the type of each entry of a transaction or batch, so references by urn:uuid can be recognised. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void rememberBundleEntries(RequestDetails request, RestOperationTypeEnum operation) {
		if ((operation == RestOperationTypeEnum.TRANSACTION || operation == RestOperationTypeEnum.BATCH)
				&& request.getResource() instanceof Bundle bundle) {
			Map<String, String> types = new HashMap<>();
			bundle.getEntry().stream()
					.filter(entry -> entry.hasFullUrl() && entry.hasResource())
					.forEach(entry -> types.put(entry.getFullUrl(), entry.getResource().fhirType()));
			request.getUserData().put(BUNDLE_ENTRY_TYPES, types);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void validateCreated(IBaseResource resource, RequestDetails request) {
		validateOrReject(resource, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void validateUpdated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		validateOrReject(resource, request);
	}

	/** Adds the findings against the profile the server requires on write to a {@code $validate} result. */
	@Hook(Pointcut.VALIDATION_COMPLETED)
	public ValidationResult addRequiredProfile(IBaseResource validated, String rawResource, ValidationResult result) {
		IBaseResource resource = resourceToValidate(validated != null ? validated : parse(rawResource));
		if (resource == null) {
			return result;
		}
		result = CaseProfileValidator.withoutProfilesCheckedElsewhere(result);
		boolean profileAlreadyChecked = validator.requiredProfile(resource, Map.of())
				.map(profile -> CaseProfileValidator.declaresProfile(resource, profile))
				.orElse(true);
		if (profileAlreadyChecked) {
			return result;
		}
		List<SingleValidationMessage> messages = new ArrayList<>(result.getMessages());
		validator.validate(resource, Map.of()).getMessages().stream()
				.filter(message -> !messages.contains(message))
				.forEach(messages::add);
		return new ValidationResult(validator.fhirContext(), messages);
	}

	/** $validate may be called with the resource itself or with a Parameters holding it as "resource". */
	private static IBaseResource resourceToValidate(IBaseResource received) {
		if (received instanceof Parameters parameters) {
			return parameters.getParameter().stream()
					.filter(parameter -> "resource".equals(parameter.getName()) && parameter.hasResource())
					.map(parameter -> (IBaseResource) parameter.getResource())
					.findFirst()
					.orElse(null);
		}
		return received;
	}

	private IBaseResource parse(String rawResource) {
		EncodingEnum encoding = rawResource == null ? null : EncodingEnum.detectEncodingNoDefault(rawResource);
		if (encoding == null) {
			return null;
		}
		try {
			return encoding.newParser(validator.fhirContext()).parseResource(rawResource);
		} catch (DataFormatException unparseable) {
			return null; // HAPI's own validation has reported it
		}
	}

	private void validateOrReject(IBaseResource resource, RequestDetails request) {
		if (request == null || request.getUserData().containsKey(ImplementationGuideLoader.LOADING_GUIDE)) {
			return;
		}
		ValidationResult result = validator.validate(resource, bundleEntryTypes(request));
		if (!CaseProfileValidator.errors(result).isEmpty()) {
			throw new UnprocessableEntityException(validator.fhirContext(), validator.errorsAsOutcome(result));
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> bundleEntryTypes(RequestDetails request) {
		Object types = request.getUserData().get(BUNDLE_ENTRY_TYPES);
		return types instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
	}
}

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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.example.secondopinion.profiles.ImplementationGuideLoader;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

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

	private static final String BUNDLE_ENTRIES_BY_URL = ValidateOnWriteInterceptor.class.getName() + ".entriesByUrl";
	private static final String BUNDLE_ENTRIES = ValidateOnWriteInterceptor.class.getName() + ".entries";

	private final CaseProfileValidator validator;

	public ValidateOnWriteInterceptor(CaseProfileValidator validator) {
		this.validator = validator;
	}

	/**
	 * Remembers each entry of a transaction or batch by its fullUrl, so references by urn:uuid can be recognised,
	 * and which entry each resource is: HAPI stores the entries' resources themselves (in its own order), and
	 * an error names the entry the client wrote.
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void rememberBundleEntries(RequestDetails request, RestOperationTypeEnum operation) {
		if ((operation == RestOperationTypeEnum.TRANSACTION || operation == RestOperationTypeEnum.BATCH)
				&& request.getResource() instanceof Bundle bundle) {
			Map<String, IBaseResource> byUrl = new HashMap<>();
			Map<IBaseResource, BundleEntry> entries = new IdentityHashMap<>();
			for (int index = 0; index < bundle.getEntry().size(); index++) {
				Bundle.BundleEntryComponent entry = bundle.getEntry().get(index);
				if (entry.hasFullUrl() && entry.hasResource()) {
					byUrl.put(entry.getFullUrl(), entry.getResource());
				}
				if (entry.hasResource()) {
					entries.put(entry.getResource(), new BundleEntry(index, entry.getFullUrl()));
				}
			}
			request.getUserData().put(BUNDLE_ENTRIES_BY_URL, byUrl);
			request.getUserData().put(BUNDLE_ENTRIES, entries);
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
		ValidationResult result = validator.validate(resource, bundleEntriesByUrl(request));
		if (!CaseProfileValidator.errors(result).isEmpty()) {
			OperationOutcome outcome = validator.errorsAsOutcome(result);
			BundleEntry entry = bundleEntries(request).get(resource);
			if (entry != null) {
				entry.name(outcome);
			}
			throw new UnprocessableEntityException(validator.fhirContext(), outcome);
		}
	}

	/** An entry of the transaction or batch being processed, as the client numbered it (from 0). */
	record BundleEntry(int index, String fullUrl) {

		/**
		 * Names the entry in each issue: {@code expression} first gives the element within the Bundle
		 * ({@code Bundle.entry[1].resource.subject}), then within the resource as for a write on its own.
		 */
		void name(OperationOutcome outcome) {
			String path = "Bundle.entry[" + index + "].resource";
			String prefix = path + (fullUrl == null ? "" : " (fullUrl " + fullUrl + ")") + ": ";
			for (OperationOutcome.OperationOutcomeIssueComponent issue : outcome.getIssue()) {
				issue.setDiagnostics(prefix + issue.getDiagnostics());
				List<StringType> expressions = new ArrayList<>();
				issue.getExpression().stream().findFirst()
						.ifPresentOrElse(inResource -> expressions.add(new StringType(inBundle(path, inResource.getValue()))),
								() -> expressions.add(new StringType(path)));
				expressions.addAll(issue.getExpression());
				issue.setExpression(expressions);
			}
		}

		/** {@code ServiceRequest.subject} as {@code Bundle.entry[1].resource.subject}. */
		private static String inBundle(String entryPath, String inResource) {
			int dot = inResource.indexOf('.');
			return dot < 0 ? entryPath : entryPath + inResource.substring(dot);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<IBaseResource, BundleEntry> bundleEntries(RequestDetails request) {
		Object entries = request.getUserData().get(BUNDLE_ENTRIES);
		return entries instanceof Map<?, ?> map ? (Map<IBaseResource, BundleEntry>) map : Map.of();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, IBaseResource> bundleEntriesByUrl(RequestDetails request) {
		Object entries = request.getUserData().get(BUNDLE_ENTRIES_BY_URL);
		return entries instanceof Map<?, ?> map ? (Map<String, IBaseResource>) map : Map.of();
	}
}

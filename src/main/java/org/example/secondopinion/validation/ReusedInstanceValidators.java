package org.example.secondopinion.validation;

import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.exceptions.FHIRFormatError;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r5.conformance.profile.ProfileUtilities;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.JsonParser;
import org.hl7.fhir.r5.elementmodel.ParserBase.ValidationPolicy;
import org.hl7.fhir.r5.elementmodel.ValidatedFragment;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.utilities.i18n.I18nConstants;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.instance.InstanceValidator;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;

/**
 * HAPI's instance validator, with the core validators it drives kept and reused.
 *
 * <p>For every resource, HAPI's {@link FhirInstanceValidator} builds a new core {@link InstanceValidator}
 * (with a FHIRPath engine and profile utilities of its own, each indexing every type definition) and a new
 * element-model parser, and it reads the resource's JSON twice. Under a case load that setup was a third of
 * all validation time. This module keeps a few validators, each used by one request at a time, configured
 * from HAPI's validator bean exactly as HAPI configures its own, so the findings are the same
 * ({@code ReusedInstanceValidatorsTest} compares them). It reads every resource as JSON: a message's line and
 * column are those of the JSON form, and its location (a FHIRPath, which the server reports) is the same.
 *
 * <p>The core validator clears its per-resource state at the start of each validation but keeps a record of
 * the codes it saw, which holds on to the resources they came from; a validator is therefore retired after
 * {@value #USES} resources, and at most {@value #KEPT} are kept between validations, which bounds what they
 * hold. One that failed with an exception is not reused.
 */
public class ReusedInstanceValidators implements IValidatorModule {

	static final int USES = 50;
	/** About the number of validations running at once on a small server; more are made when needed and dropped after. */
	static final int KEPT = 4;

	private final FhirInstanceValidator settings;
	private final IWorkerContext worker;
	private final ConcurrentLinkedDeque<Reusable> idle = new ConcurrentLinkedDeque<>();

	/** @param settings HAPI's validator, whose settings and validation support (its worker context) are used */
	public ReusedInstanceValidators(FhirInstanceValidator settings) {
		this.settings = settings;
		this.worker = Objects.requireNonNullElseGet(settings.getWorkerContext(),
				() -> WorkerContextValidationSupportAdapter.newVersionSpecificWorkerContextWrapper(settings.getValidationSupport()));
	}

	@Override
	public void validateResource(IValidationContext<IBaseResource> context) {
		Reusable validator = idle.pollFirst();
		if (validator == null) {
			validator = new Reusable(settings, worker);
		}
		List<ValidationMessage> messages = validator.validate(context);
		if (validator.uses < USES && idle.size() < KEPT) {
			idle.offerFirst(validator);
		}
		messages.forEach(message -> context.addValidationMessage(asHapiMessage(message)));
	}

	/** One core validator and its parser: not thread-safe, so held by one validation at a time. */
	private static final class Reusable {
		private final FhirInstanceValidator settings;
		private final IWorkerContext worker;
		private final InstanceValidator core;
		private final JsonParser parser;
		private int uses;

		Reusable(FhirInstanceValidator settings, IWorkerContext worker) {
			this.settings = settings;
			this.worker = worker;
			this.core = new InstanceValidator(worker,
					Objects.requireNonNullElseGet(settings.getHostApplicationServices(), FhirInstanceValidator.NullEvaluationContext::new),
					new XVerExtensionManagerOld(worker), new ValidatorSession(), new ValidatorSettings());
			core.setAssumeValidRestReferences(settings.isAssumeValidRestReferences());
			core.setBestPracticeWarningLevel(settings.getBestPracticeWarningLevel());
			core.setAnyExtensionsAllowed(settings.isAnyExtensionsAllowed());
			core.setResourceIdRule(IdStatus.OPTIONAL);
			core.setNoTerminologyChecks(settings.isNoTerminologyChecks());
			core.setErrorForUnknownProfiles(settings.isErrorForUnknownProfiles());
			// as HAPI sets it: unknown code systems are reported by its UnknownCodeSystemWarningValidationSupport
			core.setUnknownCodeSystemsCauseErrors(true);
			core.getExtensionDomains().addAll(settings.getExtensionDomains());
			core.setFetcher(settings.getValidatorResourceFetcher());
			core.setPolicyAdvisor(settings.getValidatorPolicyAdvisor());
			core.setNoExtensibleWarnings(settings.isNoExtensibleWarnings());
			core.setNoBindingMsgSuppressed(settings.isNoBindingMsgSuppressed());
			core.setAllowExamples(settings.isAllowExamples());
			this.parser = new TypeRememberingJsonParser(worker, new ProfileUtilities(worker, null, null, core.getFHIRPathEngine()));
			parser.setupValidation(ValidationPolicy.EVERYTHING);
			parser.setAllowComments(false);
		}

		List<ValidationMessage> validate(IValidationContext<IBaseResource> context) {
			uses++;
			List<ValidationMessage> messages = new ArrayList<>();
			List<ValidationMessage> unknownProfiles = new ArrayList<>();
			List<StructureDefinition> profiles = profiles(context, unknownProfiles);
			try {
				byte[] json = json(context).getBytes(StandardCharsets.UTF_8);
				for (ValidatedFragment fragment : parser.parse(new ByteArrayInputStream(json))) {
					if (fragment.getElement() != null) {
						core.validate(context.getOptions().getAppContext(), fragment.getErrors(), null, fragment.getElement(), profiles);
					}
					messages.addAll(fragment.getErrors());
				}
			} catch (IOException e) {
				uses = USES;
				throw new UncheckedIOException(e);
			} catch (RuntimeException e) {
				uses = USES; // its state is unknown: not reused
				throw e;
			}
			if (profiles.isEmpty()) {
				messages.addAll(unknownProfiles);
			}
			return messages.stream()
					.filter(Reusable::reported)
					.peek(this::unknownProfileLevel)
					.toList();
		}

		/** The resource as JSON, whatever the request's format: one parser reads them all. */
		private static String json(IValidationContext<IBaseResource> context) {
			return context.getResourceAsStringEncoding() == EncodingEnum.JSON
					? context.getResourceAsString()
					: context.getFhirContext().newJsonParser().encodeResourceToString(context.getResource());
		}

		/** The profiles asked for and those the resource claims, as HAPI's validator finds them. */
		private List<StructureDefinition> profiles(IValidationContext<IBaseResource> context, List<ValidationMessage> unknown) {
			Set<String> urls = new LinkedHashSet<>(context.getOptions().getProfiles());
			context.getResource().getMeta().getProfile().stream()
					.map(IPrimitiveType::getValueAsString)
					.filter(Objects::nonNull)
					.forEach(urls::add);
			List<StructureDefinition> found = new ArrayList<>();
			for (String url : urls) {
				try {
					StructureDefinition definition = worker.fetchResource(StructureDefinition.class, url);
					if (definition != null) {
						found.add(definition);
					} else {
						ValidationMessage message = new ValidationMessage();
						message.setMessageId(I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN);
						message.setLevel(ValidationMessage.IssueSeverity.ERROR);
						message.setMessage("Invalid profile. Failed to retrieve profile with url=" + url);
						unknown.add(message);
					}
				} catch (FHIRException unreadable) {
					// as HAPI's validator: a profile that cannot be read is left out
				}
			}
			return found;
		}

		/** The same two kinds of message HAPI's validator drops: a binding without a value set, the MIME types value set. */
		private static boolean reported(ValidationMessage message) {
			String id = message.getMessageId();
			return id == null
					|| !(id.equals(I18nConstants.TERMINOLOGY_TX_BINDING_NOSOURCE)
							|| (id.equals(I18nConstants.TERMINOLOGY_TX_VALUESET_NOTFOUND)
									&& message.getMessage().contains("http://hl7.org/fhir/ValueSet/mimetypes")));
		}

		private void unknownProfileLevel(ValidationMessage message) {
			if (I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN.equals(message.getMessageId())
					|| I18nConstants.VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY.equals(message.getMessageId())) {
				message.setLevel(settings.isErrorForUnknownProfiles()
						? ValidationMessage.IssueSeverity.ERROR
						: ValidationMessage.IssueSeverity.WARNING);
			}
		}
	}

	/**
	 * The element-model parser looks a resource's type definition up by going through every definition the
	 * server knows (a sixth of the time left in validation); this one remembers what it found for each type.
	 */
	private static final class TypeRememberingJsonParser extends JsonParser {
		private final Map<String, StructureDefinition> definitions = new HashMap<>();

		TypeRememberingJsonParser(IWorkerContext worker, ProfileUtilities utilities) {
			super(worker, utilities);
		}

		@Override
		protected StructureDefinition getDefinition(List<ValidationMessage> errors, int line, int col, String name) throws FHIRFormatError {
			StructureDefinition known = definitions.get(name);
			if (known != null) {
				return known;
			}
			StructureDefinition found = super.getDefinition(errors, line, col, name);
			if (found != null) {
				definitions.put(name, found);
			}
			return found;
		}
	}

	/** As HAPI turns the core validator's messages into its own. */
	private static SingleValidationMessage asHapiMessage(ValidationMessage core) {
		SingleValidationMessage message = new SingleValidationMessage();
		if (core.getCol() != -1) {
			message.setLocationCol(core.getCol());
		}
		if (core.getLine() != -1) {
			message.setLocationLine(core.getLine());
		}
		message.setLocationString(core.getLocation());
		message.setMessage(core.getMessage());
		if (core.getLevel() != null) {
			message.setSeverity(ResultSeverityEnum.fromCode(core.getLevel().toCode()));
		}
		// a message id with a space is a sentence from a terminology service, not a key
		if (core.getMessageId() != null && !core.getMessageId().contains(" ")) {
			message.setMessageId(core.getMessageId());
		}
		if (core.hasSliceInfo()) {
			message.setSliceMessages(core.getSliceInfo().stream().map(ValidationMessage::getMessage).toList());
		}
		return message;
	}
}

package org.example.secondopinion.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.example.secondopinion.profiles.ImplementationGuidePackage;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reused validators find exactly what HAPI's own instance validator finds, for every resource of the
 * sample bundles and of the invalid examples, with and without profiles asked for, however often each
 * validator has been used before and across its retirement.
 */
class ReusedInstanceValidatorsTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static FhirValidator hapi;
	private static FhirValidator reused;

	@BeforeAll
	static void validators() {
		FhirInstanceValidator instanceValidator = new FhirInstanceValidator(
				ImplementationGuidePackage.load(FHIR).offlineValidationSupport(FHIR));
		hapi = FHIR.newValidator().registerValidatorModule(instanceValidator);
		reused = FHIR.newValidator().registerValidatorModule(new ReusedInstanceValidators(instanceValidator));
	}

	@Test
	void findsWhatHapisValidatorFinds() throws IOException {
		List<Resource> resources = resources();
		assertThat(resources).hasSizeGreaterThan(40);
		int validations = 0;
		while (validations <= 2 * ReusedInstanceValidators.USES) {
			for (Resource resource : resources) {
				for (ValidationOptions options : List.of(new ValidationOptions(), claimedProfilesAsked(resource))) {
					assertThat(findings(reused, resource, options))
							.as("%s %s", resource.fhirType(), resource.getIdElement().getIdPart())
							.isEqualTo(findings(hapi, resource, options));
					validations++;
				}
			}
		}
	}

	@Test
	void findsErrorsInAnInvalidResourceAfterValidOnes() {
		Patient valid = new Patient().setGender(Enumerations.AdministrativeGender.FEMALE);
		for (int i = 0; i < 5; i++) {
			assertThat(CaseProfileValidator.errors(reused.validateWithResult(valid))).isEmpty();
		}
		DocumentReference noContent = new DocumentReference();
		noContent.setStatus(Enumerations.DocumentReferenceStatus.CURRENT);

		List<SingleValidationMessage> errors = CaseProfileValidator.errors(reused.validateWithResult(noContent));

		assertThat(errors).extracting(SingleValidationMessage::getLocationString).contains("DocumentReference");
		assertThat(errors).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("content"));
	}

	private static List<String> findings(FhirValidator validator, Resource resource, ValidationOptions options) {
		return validator.validateWithResult(resource.copy(), options).getMessages().stream()
				.map(message -> message.getSeverity() + " " + message.getLocationString() + " " + message.getMessageId()
						+ " " + message.getMessage())
				.toList();
	}

	/** The profiles the resource claims, asked for instead of claimed. */
	private static ValidationOptions claimedProfilesAsked(Resource resource) {
		ValidationOptions options = new ValidationOptions();
		resource.getMeta().getProfile().stream().map(IPrimitiveType::getValueAsString).forEach(options::addProfile);
		return options;
	}

	/** Every entry of the sample bundles and of the invalid examples FHIR's JSON parser reads. */
	private static List<Resource> resources() throws IOException {
		List<Resource> resources = new ArrayList<>();
		for (Path folder : List.of(Path.of("sample-bundles"), Path.of("sample-bundles", "invalid"))) {
			try (Stream<Path> files = Files.list(folder)) {
				for (Path file : files.filter(path -> path.toString().endsWith(".json")).sorted().toList()) {
					try {
						IBaseResource parsed = FHIR.newJsonParser().parseResource(Files.readString(file));
						if (parsed instanceof Bundle bundle) {
							bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource)
									.forEach(entry -> resources.add(entry.getResource()));
						} else {
							resources.add((Resource) parsed);
						}
					} catch (DataFormatException unreadable) {
						// a malformed example never reaches validation
					}
				}
			}
		}
		return resources;
	}
}

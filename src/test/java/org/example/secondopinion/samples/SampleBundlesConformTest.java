package org.example.secondopinion.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.example.secondopinion.profiles.ImplementationGuidePackage;
import org.example.secondopinion.validation.CaseProfileValidator;
import org.example.secondopinion.validation.CaseResourceRecognizer;
import org.example.secondopinion.validation.ReferenceTargetTypes;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample bundle conforms to fhir-profiles/, checked offline (no server, no network): each
 * entry against base R4 and against the profile it claims or that the server would require of it.
 */
class SampleBundlesConformTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static FhirValidator validator;

	@BeforeAll
	static void loadGuide() {
		ImplementationGuidePackage guide = ImplementationGuidePackage.load(FHIR);
		validator = FHIR.newValidator()
				.registerValidatorModule(new FhirInstanceValidator(guide.offlineValidationSupport(FHIR)));
	}

	static Stream<Path> sampleFiles() {
		return SampleBundles.validFiles().stream();
	}

	@ParameterizedTest
	@MethodSource("sampleFiles")
	void everyEntryConformsToItsProfile(Path file) {
		Bundle bundle = SampleBundles.parse(FHIR, file);
		Map<String, String> entryTypes = entryTypes(bundle);
		assertThat(bundle.getEntry()).isNotEmpty();
		for (BundleEntryComponent entry : bundle.getEntry()) {
			Resource resource = entry.getResource();
			ValidationOptions options = new ValidationOptions();
			profileRequiredOnWrite(resource, entryTypes).ifPresent(options::addProfile);
			List<SingleValidationMessage> errors =
					CaseProfileValidator.errors(validator.validateWithResult(resource, options));
			assertThat(errors)
					.as("%s, entry %s (%s)", file.getFileName(), entry.getFullUrl(), resource.fhirType())
					.isEmpty();
		}
	}

	@ParameterizedTest
	@MethodSource("sampleFiles")
	void everyEntryIsAConditionalCreate(Path file) {
		for (BundleEntryComponent entry : SampleBundles.parse(FHIR, file).getEntry()) {
			assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
			assertThat(entry.getRequest().getIfNoneExist())
					.as("%s %s", file.getFileName(), entry.getFullUrl())
					.startsWith("identifier=");
		}
	}

	private static Optional<String> profileRequiredOnWrite(Resource resource, Map<String, String> entryTypes) {
		return new CaseResourceRecognizer(new ReferenceTargetTypes(entryTypes), SampleBundlesConformTest::referenced)
				.profileFor(resource);
	}

	/**
	 * What a reference names as the server would find it once the samples before it are stored: a
	 * {@code urn:uuid:} or a conditional reference ({@code ServiceRequest?identifier=...}) names the
	 * entry of some sample file with that fullUrl or that {@code ifNoneExist}.
	 */
	private static Optional<Resource> referenced(org.hl7.fhir.r4.model.Reference reference) {
		String value = reference.getReference();
		return SampleBundles.validFiles().stream()
				.flatMap(file -> SampleBundles.parse(FHIR, file).getEntry().stream())
				.filter(entry -> entry.getFullUrl().equals(value)
						|| (entry.getResource().fhirType() + "?" + entry.getRequest().getIfNoneExist()).equals(value))
				.map(BundleEntryComponent::getResource)
				.findFirst();
	}

	private static Map<String, String> entryTypes(Bundle bundle) {
		Map<String, String> types = new HashMap<>();
		bundle.getEntry().forEach(entry -> types.put(entry.getFullUrl(), entry.getResource().fhirType()));
		return types;
	}
}

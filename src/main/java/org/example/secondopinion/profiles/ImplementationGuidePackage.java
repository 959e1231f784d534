package org.example.secondopinion.profiles;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.UnknownCodeSystemWarningValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Our implementation guide as packaged in the jar (from fhir-profiles/): its conformance
 * resources, with snapshots generated from the authored differentials against the base R4
 * definitions shipped in HAPI's validation-resources jar. No network is used.
 */
public final class ImplementationGuidePackage {

	static final String LOCATION = "classpath*:fhir-profiles/*.json";

	private final List<IBaseResource> resources;

	private ImplementationGuidePackage(List<IBaseResource> resources) {
		this.resources = List.copyOf(resources);
	}

	/** Where the build puts the snapshots it generated ({@link SnapshotPrecomputation}). */
	static final String PRECOMPUTED = "fhir-profiles-snapshots/";

	/**
	 * Reads every conformance resource of the packaged guide, with the profiles' snapshots: those the
	 * build generated when every profile is as it was then, else generated now (about 10 s on 2 cores).
	 */
	public static ImplementationGuidePackage load(FhirContext fhirContext) {
		List<IBaseResource> resources = readResources(fhirContext);
		if (!usePrecomputedSnapshots(fhirContext, resources)) {
			generateSnapshots(fhirContext, resources);
		}
		return new ImplementationGuidePackage(resources);
	}

	/** The guide with every snapshot generated now. */
	static ImplementationGuidePackage generated(FhirContext fhirContext) {
		List<IBaseResource> resources = readResources(fhirContext);
		generateSnapshots(fhirContext, resources);
		return new ImplementationGuidePackage(resources);
	}

	static String precomputedName(StructureDefinition profile) {
		return "StructureDefinition-" + profile.getIdElement().getIdPart() + ".json";
	}

	/**
	 * Sets the precomputed snapshots if there is one for every profile and each was made from the profile
	 * exactly as it is now (a profile edited since the build, e.g. in an IDE run, gets generated ones).
	 */
	static boolean usePrecomputedSnapshots(FhirContext fhirContext, List<IBaseResource> resources) {
		List<StructureDefinition> profiles = resources.stream()
				.filter(StructureDefinition.class::isInstance).map(StructureDefinition.class::cast).toList();
		List<StructureDefinition> precomputed = new ArrayList<>();
		PathMatchingResourcePatternResolver classpath = new PathMatchingResourcePatternResolver();
		for (StructureDefinition profile : profiles) {
			Resource file = classpath.getResource("classpath:" + PRECOMPUTED + precomputedName(profile));
			if (!file.exists()) {
				return false;
			}
			StructureDefinition withSnapshot = (StructureDefinition) parse(fhirContext, file);
			StructureDefinition withoutSnapshot = withSnapshot.copy();
			withoutSnapshot.setSnapshot(null);
			StructureDefinition authored = profile.copy();
			authored.setSnapshot(null);
			if (!withoutSnapshot.equalsDeep(authored)) {
				return false;
			}
			precomputed.add(withSnapshot);
		}
		for (int i = 0; i < profiles.size(); i++) {
			profiles.get(i).setSnapshot(precomputed.get(i).getSnapshot());
		}
		return true;
	}

	public List<IBaseResource> resources() {
		return resources;
	}

	/** Storing order: terminology first, then profiles, search parameters, and the subscription topics (Basic, as R4 writes them). */
	public List<IBaseResource> resourcesInLoadOrder() {
		List<String> order = List.of("CodeSystem", "ValueSet", "StructureDefinition", "SearchParameter", "Basic");
		return resources.stream()
				.sorted(Comparator.comparingInt(r -> order.indexOf(r.fhirType())))
				.toList();
	}

	public List<StructureDefinition> structureDefinitions() {
		return resources.stream()
				.filter(StructureDefinition.class::isInstance)
				.map(StructureDefinition.class::cast)
				.toList();
	}

	static List<IBaseResource> readResources(FhirContext fhirContext) {
		try {
			Resource[] files = new PathMatchingResourcePatternResolver().getResources(LOCATION);
			List<IBaseResource> resources = new ArrayList<>();
			Arrays.stream(files)
					.filter(file -> !"package.json".equals(file.getFilename()))
					.sorted(Comparator.comparing(Resource::getFilename))
					.forEach(file -> resources.add(parse(fhirContext, file)));
			if (resources.isEmpty()) {
				throw new IllegalStateException("No conformance resources found at " + LOCATION);
			}
			return resources;
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot list the implementation guide's files", e);
		}
	}

	private static IBaseResource parse(FhirContext fhirContext, Resource file) {
		try (InputStream in = file.getInputStream()) {
			return fhirContext.newJsonParser().parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + file.getFilename(), e);
		}
	}

	/**
	 * A validation support that knows base R4 and this guide and needs no server and no network:
	 * what the snapshot generator uses, and what checks the sample bundles offline.
	 */
	public ValidationSupportChain offlineValidationSupport(FhirContext fhirContext) {
		return offlineValidationSupport(fhirContext, resources);
	}

	private static ValidationSupportChain offlineValidationSupport(FhirContext fhirContext, List<IBaseResource> resources) {
		PrePopulatedValidationSupport guide = new PrePopulatedValidationSupport(fhirContext);
		resources.forEach(guide::addResource);
		return new ValidationSupportChain(
				new DefaultProfileValidationSupport(fhirContext),
				guide,
				new InMemoryTerminologyServerValidationSupport(fhirContext),
				new CommonCodeSystemsTerminologyService(fhirContext),
				new UnknownCodeSystemWarningValidationSupport(fhirContext),
				new SnapshotGeneratingValidationSupport(fhirContext));
	}

	/**
	 * Extensions first, since the profiles' snapshots include the extensions' definitions. Each
	 * generated snapshot is set on the resource itself, which the chain holds, so later profiles
	 * see the extensions with their snapshots.
	 */
	private static void generateSnapshots(FhirContext fhirContext, List<IBaseResource> resources) {
		ValidationSupportChain chain = offlineValidationSupport(fhirContext, resources);
		resources.stream()
				.filter(StructureDefinition.class::isInstance)
				.map(StructureDefinition.class::cast)
				.sorted(Comparator.comparing((StructureDefinition sd) -> !"Extension".equals(sd.getType())))
				.forEach(sd -> {
					sd.setSnapshot(generateSnapshot(chain, sd).getSnapshot());
					chain.invalidateCaches();
				});
	}

	private static StructureDefinition generateSnapshot(IValidationSupport chain, StructureDefinition sd) {
		StructureDefinition copy = sd.copy();
		copy.setSnapshot(null);
		IBaseResource generated = chain.generateSnapshot(
				new ValidationSupportContext(chain), copy, sd.getUrl(), null, sd.getName());
		if (!(generated instanceof StructureDefinition result) || !result.hasSnapshot()) {
			throw new IllegalStateException("Could not generate the snapshot of " + sd.getUrl());
		}
		return result;
	}
}

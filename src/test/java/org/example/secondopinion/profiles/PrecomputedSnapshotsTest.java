package org.example.secondopinion.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** The snapshots the build generated are used only for profiles exactly as they were built from. */
class PrecomputedSnapshotsTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void theBuildsSnapshotsAreUsedForUnchangedProfiles() {
		List<IBaseResource> resources = ImplementationGuidePackage.readResources(FHIR);

		assertThat(ImplementationGuidePackage.usePrecomputedSnapshots(FHIR, resources)).isTrue();

		List<StructureDefinition> profiles = resources.stream().filter(StructureDefinition.class::isInstance)
				.map(StructureDefinition.class::cast).toList();
		assertThat(profiles).isNotEmpty().allSatisfy(profile -> assertThat(profile.getSnapshot().getElement())
				.as(profile.getUrl()).hasSizeGreaterThan(profile.getDifferential().getElement().size()));
	}

	@Test
	void aProfileChangedSinceTheBuildIsNotGivenAStaleSnapshot() {
		List<IBaseResource> resources = ImplementationGuidePackage.readResources(FHIR);
		StructureDefinition edited = resources.stream().filter(StructureDefinition.class::isInstance)
				.map(StructureDefinition.class::cast).findFirst().orElseThrow();
		edited.getDifferential().getElementFirstRep().setShort("edited after the build");

		assertThat(ImplementationGuidePackage.usePrecomputedSnapshots(FHIR, resources)).isFalse();
		assertThat(edited.hasSnapshot()).isFalse();
	}
}

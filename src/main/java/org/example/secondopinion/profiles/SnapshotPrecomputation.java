package org.example.secondopinion.profiles;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Generates the profiles' snapshots when the project is built (Maven's process-classes phase), so the
 * server does not spend start-up time on it: {@link ImplementationGuidePackage} uses a precomputed
 * snapshot when its profile is unchanged since, and generates it otherwise.
 *
 * <p>Argument: the folder to write to, on the classpath as {@value ImplementationGuidePackage#PRECOMPUTED}.
 */
public final class SnapshotPrecomputation {

	private SnapshotPrecomputation() {}

	public static void main(String[] args) throws IOException {
		Path folder = Path.of(args[0]);
		Files.createDirectories(folder);
		FhirContext fhirContext = FhirContext.forR4Cached();
		for (StructureDefinition profile : ImplementationGuidePackage.generated(fhirContext).structureDefinitions()) {
			Files.writeString(folder.resolve(ImplementationGuidePackage.precomputedName(profile)),
					fhirContext.newJsonParser().encodeResourceToString(profile), StandardCharsets.UTF_8);
		}
	}
}

package org.example.secondopinion.samples;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;

/** The files in sample-bundles/, in posting order (name order). */
public final class SampleBundles {

	public static final Path FOLDER = Path.of("sample-bundles");
	static final Path INVALID = FOLDER.resolve("invalid");

	static List<Path> validFiles() {
		try (Stream<Path> files = Files.list(FOLDER)) {
			return files.filter(file -> file.getFileName().toString().endsWith(".json")).sorted().toList();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public static String read(Path file) {
		try {
			return Files.readString(file);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * The expert who sends a file (its questions and opinions are the assigned expert's to write), as
	 * dev-clients/post-samples.sh has it; empty for the files a hospital or the coordinator sends.
	 */
	public static Optional<String> expertWhoSends(String fileName) {
		return Optional.ofNullable(SENT_BY_EXPERT.get(fileName.substring(0, fileName.indexOf('-') + 1)));
	}

	private static final Map<String, String> SENT_BY_EXPERT = Map.of(
			"03-", "expert-lindqvist",
			"05-", "expert-osei",
			"07-", "expert-herrera",
			"10-", "expert-osei",
			"12-", "expert-osei");

	static Bundle parse(FhirContext fhirContext, Path file) {
		return fhirContext.newJsonParser().parseResource(Bundle.class, read(file));
	}

	private SampleBundles() {}
}

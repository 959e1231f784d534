package org.example.secondopinion.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings the configuration section of docs/operations.md documents: every table row there, its
 * first cell the setting's name(s), its second the environment variable(s). A name may be written
 * relative to the one before it in the same cell ({@code second-opinion.security.issuer}, {@code .jwk-set-uri}),
 * and may hold placeholders for the keys of a map or a list ({@code turnaround.<priority>},
 * {@code required-records.<kind>[i].name}).
 */
final class DocumentedSettings {

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");
	private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("(\\.\\.\\.)?[A-Z0-9_<>]+");

	/** One documented setting; {@code environmentVariable} is null when the row names none for it. */
	record Setting(String name, String environmentVariable, int line) {

		/** The name with its placeholders made uniform: {@code <...>} as {@code <*>}, {@code [i]} as {@code [*]}. */
		String normalised() {
			return name.replaceAll("<[^>]*>", "<*>").replaceAll("\\[[a-z]\\]", "[*]");
		}

		/** Whether a setting of application.yaml, written out in full, is this one. */
		boolean matches(String key) {
			String regex = Pattern.quote(normalised()).replace("<*>", "\\E.+\\Q").replace("[*]", "\\E\\[\\d+\\]\\Q");
			return key.matches(regex);
		}

		boolean hasPlaceholder() {
			return name.contains("<") || name.contains("[");
		}
	}

	private DocumentedSettings() {}

	static List<Setting> in(Path operationsPage, String sectionHeading) {
		List<String> lines;
		try {
			lines = Files.readAllLines(operationsPage);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		List<Setting> settings = new ArrayList<>();
		int start = lines.indexOf(sectionHeading);
		if (start < 0) {
			throw new IllegalStateException(operationsPage + " has no heading " + sectionHeading);
		}
		for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
			String line = lines.get(i);
			if (line.startsWith("|") && !line.startsWith("| ---")) {
				settings.addAll(row(line, i + 1));
			}
		}
		return settings;
	}

	private static List<Setting> row(String line, int lineNumber) {
		String[] cells = line.split("(?<!\\\\)\\|");
		if (cells.length < 3) {
			return List.of();
		}
		List<String> names = expanded(codeIn(cells[1]));
		List<String> variables = codeIn(cells[2]).stream().filter(code -> ENVIRONMENT_VARIABLE.matcher(code).matches()).toList();
		List<Setting> settings = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			settings.add(new Setting(names.get(i), i < variables.size() ? variables.get(i) : null, lineNumber));
		}
		return settings;
	}

	/** {@code a.b.c}, {@code .d} stand for {@code a.b.c}, {@code a.b.d}. */
	private static List<String> expanded(List<String> written) {
		List<String> names = new ArrayList<>();
		String previous = null;
		for (String name : written) {
			if (name.startsWith(".") && previous != null) {
				name = previous.substring(0, previous.lastIndexOf('.')) + name;
			}
			names.add(name);
			previous = name;
		}
		return names;
	}

	private static List<String> codeIn(String cell) {
		List<String> code = new ArrayList<>();
		Matcher matcher = CODE.matcher(cell);
		while (matcher.find()) {
			code.add(matcher.group(1));
		}
		return code;
	}
}

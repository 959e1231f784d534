package org.example.secondopinion.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.example.secondopinion.docs.DocumentedSettings.Setting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The documentation says what the repository holds: every relative link and anchor in its Markdown files
 * resolves inside the repository, and the configuration table of docs/operations.md lists exactly the
 * settings application.yaml sets and the code binds. Plain files and reflection, no server.
 */
class DocsCheckTest {

	private static final Path ROOT = Path.of("").toAbsolutePath();
	private static final Path OPERATIONS = ROOT.resolve("docs/operations.md");
	private static final String CONFIGURATION = "## Configuration";
	/** Spring Boot's own settings the table documents though application.yaml does not set them. */
	private static final Set<String> SPRING_BOOT_SETTINGS = Set.of("spring.profiles.active");

	private static int checks;

	@AfterAll
	static void report() {
		System.out.println("DocsCheckTest: " + checks + " checks");
	}

	@Test
	void everyRelativeLinkAndAnchorResolvesInsideTheRepository() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path file : markdownFiles()) {
			MarkdownFile markdown = new MarkdownFile(file);
			for (MarkdownFile.Link link : markdown.links()) {
				if (!isExternal(link.target())) {
					checks++;
					problem(markdown, link.target()).ifPresent(problem ->
							broken.add(ROOT.relativize(file) + ":" + link.line() + " " + link.target() + ": " + problem));
				}
			}
		}
		assertThat(broken).as("broken links").isEmpty();
	}

	@Test
	void everySettingApplicationYamlSetsIsDocumented() {
		List<Setting> documented = DocumentedSettings.in(OPERATIONS, CONFIGURATION);
		List<String> undocumented = new ArrayList<>();
		for (String key : BoundSettings.inApplicationYaml(ROOT.resolve("src/main/resources/application.yaml"))) {
			checks++;
			if (documented.stream().noneMatch(setting -> setting.matches(key))) {
				undocumented.add(key);
			}
		}
		assertThat(undocumented).as("settings of application.yaml missing from " + CONFIGURATION + " in docs/operations.md").isEmpty();
	}

	@Test
	void everyOwnSettingApplicationYamlSetsIsBoundByTheCode() {
		Set<String> bound = BoundSettings.inCode(ROOT.resolve("src/main/java"));
		List<String> unbound = new ArrayList<>();
		for (String key : BoundSettings.inApplicationYaml(ROOT.resolve("src/main/resources/application.yaml"))) {
			if (key.startsWith("second-opinion.")) {
				checks++;
				if (bound.stream().noneMatch(name -> coversBound(key, name))) {
					unbound.add(key);
				}
			}
		}
		assertThat(unbound).as("second-opinion settings of application.yaml that no code reads").isEmpty();
	}

	@Test
	void everySettingTheCodeBindsIsDocumented() {
		List<Setting> documented = DocumentedSettings.in(OPERATIONS, CONFIGURATION);
		List<String> undocumented = new ArrayList<>();
		for (String name : BoundSettings.inCode(ROOT.resolve("src/main/java"))) {
			checks++;
			if (documented.stream().noneMatch(setting -> coversBound(setting.normalised(), name))) {
				undocumented.add(name);
			}
		}
		assertThat(undocumented).as("settings the code binds missing from docs/operations.md").isEmpty();
	}

	@Test
	void everyDocumentedSettingExists() {
		Set<String> yaml = BoundSettings.inApplicationYaml(ROOT.resolve("src/main/resources/application.yaml"));
		Set<String> bound = BoundSettings.inCode(ROOT.resolve("src/main/java"));
		List<Setting> documented = DocumentedSettings.in(OPERATIONS, CONFIGURATION);
		assertThat(documented).as("settings in docs/operations.md").isNotEmpty();
		List<String> unknown = new ArrayList<>();
		for (Setting setting : documented) {
			checks++;
			boolean exists = yaml.stream().anyMatch(setting::matches)
					|| (setting.name().startsWith("second-opinion.") && bound.stream().anyMatch(name -> coversBound(setting.normalised(), name)))
					|| SPRING_BOOT_SETTINGS.contains(setting.name());
			if (!exists) {
				unknown.add("line " + setting.line() + ": " + setting.name());
			}
		}
		assertThat(unknown).as("documented settings neither in application.yaml nor bound by the code").isEmpty();
	}

	@Test
	void everyDocumentedEnvironmentVariableIsTheSettingsName() {
		List<String> wrong = new ArrayList<>();
		for (Setting setting : DocumentedSettings.in(OPERATIONS, CONFIGURATION)) {
			String variable = setting.environmentVariable();
			if (variable == null || variable.contains("<") || setting.hasPlaceholder()) {
				continue;
			}
			checks++;
			String expected = setting.name().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
			boolean right = variable.startsWith("...") ? expected.endsWith(variable.substring(3)) : expected.equals(variable);
			if (!right) {
				wrong.add("line " + setting.line() + ": " + setting.name() + " is " + expected + ", not " + variable);
			}
		}
		assertThat(wrong).as("environment variables in docs/operations.md").isEmpty();
	}

	/** A documented name covers a bound one when it is that name, or the root of its subtree (a list of clients). */
	private static boolean coversBound(String documented, String bound) {
		if (bound.equals(documented) || bound.startsWith(documented + ".") || bound.startsWith(documented + "[")) {
			return true;
		}
		// a map's keys (<*>) and a list's indexes ([*]) stand for any key or index a setting gives them
		String anyKey = java.util.regex.Pattern.quote(bound).replace("<*>", "\\E[^.\\[]+\\Q").replace("[*]", "\\E\\[\\d+\\]\\Q");
		return documented.matches(anyKey + "([.\\[].*)?");
	}

	private static Optional<String> problem(MarkdownFile from, String target) {
		int hash = target.indexOf('#');
		String pathPart = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
		String anchor = hash < 0 ? null : target.substring(hash + 1);
		Path resolved = pathPart.isEmpty() ? from.path : from.path.getParent().resolve(pathPart).normalize();
		if (!resolved.startsWith(ROOT)) {
			return Optional.of("points outside the repository");
		}
		if (!Files.exists(resolved)) {
			return Optional.of("no such file");
		}
		if (anchor == null) {
			return Optional.empty();
		}
		if (!resolved.toString().endsWith(".md")) {
			return Optional.of("an anchor into a file that is not Markdown");
		}
		Set<String> anchors = new MarkdownFile(resolved).anchors();
		return anchors.contains(anchor) ? Optional.empty()
				: Optional.of("no heading with this anchor; there are " + anchors);
	}

	private static boolean isExternal(String target) {
		return target.matches("(?i)[a-z][a-z0-9+.-]*:.*");
	}

	private static List<Path> markdownFiles() throws IOException {
		try (Stream<Path> files = Files.walk(ROOT)) {
			List<Path> markdown = files
					.filter(file -> file.toString().endsWith(".md"))
					.filter(file -> Stream.of("target", ".git", ".mvn", "node_modules")
							.noneMatch(skipped -> ROOT.relativize(file).startsWith(skipped)))
					.sorted()
					.toList();
			assertThat(markdown).as("Markdown files").contains(ROOT.resolve("README.md"), OPERATIONS);
			return markdown;
		}
	}
}

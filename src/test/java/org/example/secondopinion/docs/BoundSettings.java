package org.example.secondopinion.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The settings the server knows, from its own sources: the keys application.yaml sets, and the names its
 * code binds ({@code @ConfigurationProperties} records, walked component by component; {@code @Value} and
 * {@code @ConditionalOnProperty} names). A map's keys are {@code <*>}, a list's elements {@code [*]}.
 */
final class BoundSettings {

	private static final Pattern PROPERTIES_CLASS = Pattern.compile("@ConfigurationProperties\\(\"([^\"]+)\"\\)");
	private static final Pattern VALUE = Pattern.compile("@Value\\(\"\\$\\{([a-z0-9.-]+)[:}]");
	private static final Pattern CONDITIONAL = Pattern.compile("@ConditionalOnProperty\\(name = \"([a-z0-9.-]+)\"");

	private BoundSettings() {}

	/**
	 * Every key application.yaml sets, written out in full. A list, or a map written inline, is one
	 * setting (the sample clients, the allowed origins); keys holding dots stay one key
	 * ({@code logging.level.ca.uhn.fhir.jpa}).
	 */
	static Set<String> inApplicationYaml(Path yaml) {
		try (InputStream in = Files.newInputStream(yaml)) {
			Set<String> keys = new TreeSet<>();
			flatten("", new Yaml().load(in), keys);
			return keys;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static void flatten(String prefix, Object value, Set<String> keys) {
		if (value instanceof Map<?, ?> map && !map.isEmpty()) {
			map.forEach((key, child) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, child, keys));
		} else {
			keys.add(prefix);
		}
	}

	/** Every name the main code binds, found in its sources so that a new properties class is seen at once. */
	static Set<String> inCode(Path mainJava) {
		Set<String> names = new TreeSet<>();
		try (Stream<Path> files = Files.walk(mainJava)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
				String source = Files.readString(file);
				for (String prefix : all(PROPERTIES_CLASS, source)) {
					walk(prefix, propertiesClass(mainJava, file), names);
				}
				names.addAll(all(VALUE, source));
				names.addAll(all(CONDITIONAL, source));
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return names;
	}

	private static Class<?> propertiesClass(Path mainJava, Path file) {
		String name = mainJava.relativize(file).toString().replace(".java", "").replace('/', '.').replace('\\', '.');
		try {
			return Class.forName(name);
		} catch (ClassNotFoundException e) {
			throw new IllegalStateException("Not compiled: " + name, e);
		}
	}

	/** Adds the leaves of the settings tree under {@code name}: the names a value is given to. */
	private static void walk(String name, Type type, Set<String> names) {
		Class<?> raw = raw(type);
		if (raw.isRecord()) {
			for (RecordComponent component : raw.getRecordComponents()) {
				walk(name + "." + kebab(component.getName()), component.getGenericType(), names);
			}
		} else if (Map.class.isAssignableFrom(raw)) {
			walk(name + ".<*>", argument(type, 1), names);
		} else if (Collection.class.isAssignableFrom(raw) && raw(argument(type, 0)).isRecord()) {
			walk(name + "[*]", argument(type, 0), names);
		} else {
			names.add(name);
		}
	}

	private static Class<?> raw(Type type) {
		return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
	}

	private static Type argument(Type type, int index) {
		return ((ParameterizedType) type).getActualTypeArguments()[index];
	}

	/** Spring's canonical form of a property name: {@code maxRequestBody} is {@code max-request-body}. */
	static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	private static List<String> all(Pattern pattern, String source) {
		Matcher matcher = pattern.matcher(source);
		List<String> found = new ArrayList<>();
		while (matcher.find()) {
			found.add(matcher.group(1));
		}
		return found;
	}
}

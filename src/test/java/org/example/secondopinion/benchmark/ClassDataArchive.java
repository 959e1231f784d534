package org.example.secondopinion.benchmark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.example.secondopinion.ServerProcess;

/**
 * The start-up of docs/operations.md's "Faster start-up on Java 17", made by the benchmark so that it can time it:
 * a class-data sharing archive of the classes a training start loads, which later starts map instead of
 * loading and verifying them one by one.
 *
 * <p>The steps are that page's, adapted to a class path instead of the packaged jar: Java's archive takes
 * classes from jar files only, so each folder on the class path is packed into a jar first.
 */
final class ClassDataArchive {

	private ClassDataArchive() {}

	/**
	 * Makes the archive in {@code folder} and returns the JVM that uses it.
	 *
	 * @param settings the server's settings for the training start (the same database as the run)
	 */
	static ServerProcess.Jvm make(Path folder, List<String> settings) throws IOException, InterruptedException {
		String classPath = classPathOfJars(folder);
		Path classList = folder.resolve("classes.lst");
		Path trainingData = Files.createDirectories(folder.resolve("training-data"));
		ServerProcess.Jvm listing = new ServerProcess.Jvm(classPath, List.of("-XX:DumpLoadedClassList=" + classList,
				"-Dspring.context.exit=onRefresh")); // stop once the application context is ready
		run(ServerProcess.command("1g", trainingData, 0, settings, listing), folder.resolve("training.log"));

		// OpenJDK 17.0.15 crashed dumping the lambda classes the list records; the archive does without them
		Path sharedClasses = folder.resolve("shared-classes.lst");
		try (Stream<String> lines = Files.lines(classList)) {
			Files.write(sharedClasses, lines.filter(line -> !line.startsWith("@lambda-proxy")).toList());
		}
		Path archive = folder.resolve("server.jsa");
		run(List.of(ServerProcess.javaCommand(), "-Xshare:dump", "-XX:SharedClassListFile=" + sharedClasses,
				"-XX:SharedArchiveFile=" + archive, "-cp", classPath), folder.resolve("dump.log"));
		if (!Files.isRegularFile(archive)) {
			throw new IllegalStateException("No class-data archive was made; see " + folder.resolve("dump.log"));
		}
		// -Xshare:on: a start that cannot use the archive fails instead of quietly timing the slow path
		return new ServerProcess.Jvm(classPath, List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive));
	}

	/**
	 * The current class path with every folder on it packed into a jar of its own, in order. A jar that only
	 * names others in its manifest (as the test runner's does) is replaced by those, as they may be folders.
	 */
	private static String classPathOfJars(Path folder) throws IOException {
		List<String> entries = new ArrayList<>();
		for (Path path : expanded(ServerProcess.Jvm.current().classPath())) {
			if (Files.isDirectory(path)) {
				entries.add(packed(path, folder.resolve("classpath-" + entries.size() + ".jar")).toString());
			} else if (Files.isRegularFile(path)) {
				entries.add(path.toString());
			}
		}
		return String.join(File.pathSeparator, entries);
	}

	private static List<Path> expanded(String classPath) throws IOException {
		List<Path> paths = new ArrayList<>();
		for (String entry : classPath.split(File.pathSeparator)) {
			Path path = Path.of(entry);
			String manifestClassPath = Files.isRegularFile(path) ? manifestClassPath(path) : null;
			if (manifestClassPath == null) {
				paths.add(path);
				continue;
			}
			for (String url : manifestClassPath.trim().split("\\s+")) {
				paths.add(Path.of(path.toUri().resolve(url)));
			}
		}
		return paths;
	}

	private static String manifestClassPath(Path jar) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			return manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
		}
	}

	private static Path packed(Path directory, Path jar) throws IOException {
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
				Stream<Path> files = Files.walk(directory)) {
			// folders get entries too: Spring's component scan finds a package through its folder's entry
			for (Path path : files.filter(path -> !path.equals(directory)).sorted().toList()) {
				String name = directory.relativize(path).toString().replace(File.separatorChar, '/');
				boolean folder = Files.isDirectory(path);
				out.putNextEntry(new JarEntry(folder ? name + "/" : name));
				if (!folder) {
					Files.copy(path, out);
				}
				out.closeEntry();
			}
		}
		return jar;
	}

	private static void run(List<String> command, Path log) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(5, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException("Timed out: " + String.join(" ", command.subList(0, 4)) + "...; see " + log);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException("Exit code " + process.exitValue() + "; see " + log);
		}
	}
}

package org.example.secondopinion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The server in a JVM of its own, so that a test can give it a heap of its choosing (-Xmx512m). */
public final class ServerProcess implements AutoCloseable {

	private final Process process;
	private final int port;
	private Duration startup;

	private ServerProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	public static ServerProcess start(String maxHeap, Path dataDir, Path log) {
		return start(maxHeap, dataDir, log, List.of());
	}

	/** @param settings more command-line settings, e.g. those of {@link TestDatabase#postgreSqlArguments} */
	public static ServerProcess start(String maxHeap, Path dataDir, Path log, List<String> settings) {
		return start(maxHeap, dataDir, log, settings, Jvm.current());
	}

	/** @param jvm the class path and JVM options to launch with (the benchmark's class-data archive) */
	public static ServerProcess start(String maxHeap, Path dataDir, Path log, List<String> settings, Jvm jvm) {
		int port = freePort();
		List<String> command = command(maxHeap, dataDir, port, settings, jvm);
		try {
			Instant launched = Instant.now();
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			ServerProcess server = new ServerProcess(process, port);
			server.awaitReady(Duration.ofMinutes(3));
			server.startup = Duration.between(launched, Instant.now());
			return server;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The command line that launches the server (port 0: any free port, for a start that stops by itself). */
	public static List<String> command(String maxHeap, Path dataDir, int port, List<String> settings, Jvm jvm) {
		List<String> command = new ArrayList<>(List.of(javaCommand(), "-Xmx" + maxHeap, "-XX:+UseParallelGC")); // as docs/operations.md runs the server
		command.addAll(jvm.options());
		command.addAll(List.of(
				"-cp", jvm.classPath(),
				SecondOpinionServerApplication.class.getName(),
				"--server.port=" + port,
				"--second-opinion.data-dir=" + dataDir.toAbsolutePath(),
				"--logging.level.root=WARN",
				// the benchmark and the large-attachment test measure storage and workflow; tokens are
				// tested on the shared test server
				"--second-opinion.security.development-without-authentication=true"));
		command.addAll(settings);
		return command;
	}

	/** The class path and extra options of the server's JVM. */
	public record Jvm(String classPath, List<String> options) {

		/** The class path of the code running now, no extra options. */
		public static Jvm current() {
			return new Jvm(currentClassPath(), List.of());
		}
	}

	/** The java launcher of the JVM running now. */
	public static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	public String baseUrl() {
		return "http://localhost:" + port + "/fhir";
	}

	public int port() {
		return port;
	}

	/** From launching the JVM to the first 200 on /fhir/metadata. */
	public Duration startup() {
		return startup;
	}

	/** The process's resident memory (Linux, from /proc), in bytes; -1 where that cannot be read. */
	public long residentBytes() {
		try {
			for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
			return -1;
		} catch (IOException e) {
			return -1;
		}
	}

	/** CPU time the server's JVM has used so far (all its threads). */
	public Duration cpuTime() {
		return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
	}

	public boolean isAlive() {
		return process.isAlive();
	}

	private void awaitReady(Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline) && process.isAlive()) {
			try {
				if (Http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metadata")).GET().build()).statusCode() == 200) {
					return;
				}
			} catch (UncheckedIOException notYet) {
				// not listening yet
			}
			pause();
		}
		close();
		throw new IllegalStateException("The server process did not start; see its log");
	}

	private static void pause() {
		try {
			Thread.sleep(500);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	/**
	 * The classpath of the code running now: the JVM's own in a test fork, or that of the class loader
	 * exec:java (the benchmarks) builds inside Maven's JVM.
	 */
	private static String currentClassPath() {
		List<String> entries = new ArrayList<>();
		for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader.getParent()) {
			if (loader instanceof java.net.URLClassLoader urls) {
				for (java.net.URL url : urls.getURLs()) {
					try {
						entries.add(Path.of(url.toURI()).toString());
					} catch (java.net.URISyntaxException | IllegalArgumentException ignored) {
						// not a file: not a classpath entry for java -cp
					}
				}
			}
		}
		entries.add(System.getProperty("java.class.path"));
		return String.join(java.io.File.pathSeparator, entries);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Kills the server as a crash would (SIGKILL): no shutdown hook, no flush, no orderly close of the database. */
	public void kill() {
		process.destroyForcibly();
		try {
			process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		process.destroy();
		try {
			if (!process.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
			}
		} catch (InterruptedException e) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}
}

package org.example.secondopinion.benchmark;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.example.secondopinion.GeneratedContent;
import org.example.secondopinion.Http;
import org.example.secondopinion.ServerProcess;
import org.example.secondopinion.TestDatabase;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.notify.NotificationReceiver;
import org.example.secondopinion.samples.SampleBundles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;

/**
 * The server benchmark: launches the server in a JVM of its own (-Xmx1g -XX:+UseParallelGC, on a fresh H2 file database or
 * an embedded PostgreSQL), then measures what docs/benchmarks.md reports, each next to a baseline
 * measured in the same run:
 *
 * <ul>
 *   <li>seconds from launch to the first 200 on /fhir/metadata; resident memory after start-up and after the load;
 *   <li>after that server has stopped, the launch again with a class-data archive ({@link ClassDataArchive});
 *   <li>N distinct cases (sample 02 with unique identifiers: patient, original diagnosis, request, four
 *       records, task) submitted by C concurrent clients: cases per second, p50/p95/p99 latency; baseline:
 *       creating a bare Patient;
 *   <li>the expert worklist search and {@code $case} with those cases stored; baseline: reading one Patient. The
 *       worklist twice: the same search over and over (an expert's screen refreshed; H2 may answer from the
 *       previous identical query's result while nothing was written), then with the page size changing from
 *       one search to the next, so that the database runs every query;
 *   <li>upload and download of a generated attachment (default 1 GiB), MB/s;
 *   <li>notification latency from a submission to its notification.
 * </ul>
 *
 * {@code ./mvnw -q test-compile exec:java -Dexec.args="cases=1000 clients=4 database=h2"} (docs/benchmarks.md).
 */
public final class ServerBenchmark {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/** What to run; every field has a default in {@link #parse}. */
	public record Settings(
			int cases, int clients, String database, long attachmentBytes, int notificationCases, int repeats, int storedCases,
			boolean classDataArchive) {}

	/** The figures, in milliseconds unless named otherwise. */
	public record Report(
			double startupSeconds, long rssAfterStartup, long rssAfterLoad,
			double casesPerSecond, List<Double> submissions, List<Double> baselineCreates,
			int storedCases, double plainCasesPerSecond, List<Double> plainSubmissions, double settleSeconds, int expertOpenCases,
			List<Double> worklist, List<Double> worklistNewQueries, List<Double> caseBundle, List<Double> baselineReads,
			double uploadMbPerSecond, double downloadMbPerSecond,
			List<Double> notifications, double archivedStartupSeconds) {

		Report withArchivedStartupSeconds(double seconds) {
			return new Report(startupSeconds, rssAfterStartup, rssAfterLoad, casesPerSecond, submissions, baselineCreates,
					storedCases, plainCasesPerSecond, plainSubmissions, settleSeconds, expertOpenCases, worklist, worklistNewQueries,
					caseBundle, baselineReads, uploadMbPerSecond, downloadMbPerSecond, notifications, seconds);
		}
	}

	public static void main(String[] args) throws Exception {
		Settings settings = parse(args);
		print(settings, run(settings), System.out);
		System.exit(0);
	}

	public static Report run(Settings settings) throws Exception {
		Path dataDir = Files.createTempDirectory(Path.of("target"), "benchmark-");
		Report report;
		try (ServerProcess server = ServerProcess.start("1g", dataDir, dataDir.resolve("server.log"), serverSettings(settings))) {
			String base = server.baseUrl();
			long rssAfterStartup = server.residentBytes();
			post(base, "", SampleBundles.read(SampleBundles.FOLDER.resolve("01-expert-directory.json")));

			List<Double> baselineCreates = repeat(settings.repeats(), () -> post(base, "/Patient", barePatient()));
			warmUp(base);
			List<String> tasks = Collections.synchronizedList(new ArrayList<>());
			List<Double> submissions = Collections.synchronizedList(new ArrayList<>());
			long started = System.nanoTime();
			submitCases(base, settings, submissions, tasks);
			double casesPerSecond = settings.cases() / ((System.nanoTime() - started) / 1e9);

			int plainCases = Math.max(0, settings.storedCases() - settings.cases() - 1);
			List<Double> plainSubmissions = Collections.synchronizedList(new ArrayList<>());
			List<String> plainTasks = Collections.synchronizedList(new ArrayList<>());
			started = System.nanoTime();
			submit(base, settings.clients(), plainCases, PlainCase::bundle, plainSubmissions, plainTasks::add);
			double plainCasesPerSecond = plainCases / ((System.nanoTime() - started) / 1e9);
			long rssAfterLoad = server.residentBytes();
			double settleSeconds = awaitQuiet(server);

			String patient = new IdType(post(base, "/Patient", barePatient()).headers().firstValue("Location").orElseThrow())
					.toUnqualifiedVersionless().getValue();
			List<Double> baselineReads = repeat(settings.repeats(), () -> get(base, "/" + patient));
			// the expert of the latest case: with the stored cases spread over the experts, one of the busiest
			String expert = ownerOf(base, plainTasks.isEmpty() ? tasks.get(0) : plainTasks.get(plainTasks.size() - 1));
			String openCases = "/Task?owner=" + expert + "&status=accepted,in-progress,on-hold";
			int expertOpenCases = FHIR.newJsonParser().parseResource(Bundle.class, get(base, openCases + "&_summary=count").body()).getTotal();
			List<Double> worklist = repeat(settings.repeats(), () -> get(base, openCases + "&_sort=due&_count=20"));
			// H2 answers a query identical to the one before it from that query's last result while nothing was
			// written meanwhile; a page size that changes from one search to the next makes it run each query
			List<Double> worklistNewQueries = repeat(settings.repeats(), i -> get(base, openCases + "&_sort=due&_count=" + (11 + i % 20)));
			List<Double> caseBundle = new ArrayList<>();
			for (int i = 0; i < settings.repeats(); i++) {
				String request = focusOf(base, tasks.get((i * 7919) % tasks.size()));
				caseBundle.add(timed(() -> get(base, "/" + request + "/$case")));
			}

			double[] attachment = attachment(base, settings.attachmentBytes());
			List<Double> notifications = notificationLatency(base, settings.notificationCases());
			report = new Report(server.startup().toMillis() / 1000.0, rssAfterStartup, rssAfterLoad, casesPerSecond,
					submissions, baselineCreates, settings.cases() + 1 + plainCases, plainCasesPerSecond, plainSubmissions, settleSeconds, expertOpenCases, worklist, worklistNewQueries, caseBundle, baselineReads, attachment[0], attachment[1], notifications,
					Double.NaN);
		}
		// after the run, so that its launch line stays comparable with runs before this one
		return settings.classDataArchive() ? report.withArchivedStartupSeconds(archivedStartupSeconds(settings)) : report;
	}

	/** The server's settings for a run: its database (a new one on PostgreSQL) and development notifications. */
	private static List<String> serverSettings(Settings settings) {
		List<String> serverSettings = new ArrayList<>("postgresql".equals(settings.database())
				? TestDatabase.postgreSqlArguments(TestDatabase.newPostgreSqlDatabase()) : List.of());
		serverSettings.add("--second-opinion.notifications.development=true");
		return serverSettings;
	}

	/**
	 * Launch to the first 200 with a class-data archive (docs/operations.md, "Faster start-up on Java 17"), on a fresh
	 * data folder and database; making the archive takes a training start and a dump first.
	 */
	private static double archivedStartupSeconds(Settings settings) throws Exception {
		Path folder = Files.createTempDirectory(Path.of("target"), "class-data-").toAbsolutePath();
		ServerProcess.Jvm jvm = ClassDataArchive.make(folder, serverSettings(settings));
		Path dataDir = Files.createDirectories(folder.resolve("data"));
		try (ServerProcess server = ServerProcess.start("1g", dataDir, folder.resolve("server.log"), serverSettings(settings), jvm)) {
			return server.startup().toMillis() / 1000.0;
		}
	}

	/**
	 * Waits until the server has finished the work the load left behind (the audit trail's queue, H2's
	 * store, the compiler), so that the searches after it are timed on their own: until its JVM uses
	 * less than a tenth of a core over 2 s, for at most 3 minutes. Returns the seconds waited.
	 */
	static double awaitQuiet(ServerProcess server) throws InterruptedException {
		long started = System.nanoTime();
		Duration before = server.cpuTime();
		while (System.nanoTime() - started < Duration.ofMinutes(3).toNanos()) {
			Thread.sleep(2000);
			Duration now = server.cpuTime();
			if (now.minus(before).toMillis() < 200) {
				break;
			}
			before = now;
		}
		return (System.nanoTime() - started) / 1e9;
	}

	/**
	 * One case first, alone: HAPI 8.8 can fail (500, "Illegal attempt to associate a collection with two
	 * open sessions", TagDefinition) when concurrent transactions store the first resources with a
	 * profile it has not seen yet.
	 */
	private static void warmUp(String base) {
		HttpResponse<String> response = post(base, "", new SampleCase("st-elsewhere.example.org").file("02-sarcoma-request.json"));
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Warm-up submission failed: " + response.statusCode() + " " + response.body());
		}
	}

	private static void submitCases(String base, Settings settings, List<Double> latencies, List<String> tasks) throws Exception {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		submit(base, settings.clients(), settings.cases(), number -> sample.file("02-sarcoma-request.json"), latencies,
				tasks::add);
	}

	/** Posts {@code count} case bundles with {@code clients} concurrent clients; each must answer 200. */
	private static void submit(String base, int clients, int count, IntFunction<String> bundleNumbered, List<Double> latencies,
			Consumer<String> taskOfEach) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				int number = i;
				done.add(pool.submit(() -> {
					String bundle = bundleNumbered.apply(number);
					long start = System.nanoTime();
					HttpResponse<String> response = post(base, "", bundle);
					latencies.add((System.nanoTime() - start) / 1e6);
					if (response.statusCode() != 200) {
						throw new IllegalStateException("Submission failed: " + response.statusCode() + " " + response.body());
					}
					taskOfEach.accept(NotificationLatency.taskOf(response.body()));
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get();
			}
		} finally {
			pool.shutdown();
		}
	}

	/** MB/s up and down for a generated file of {@code bytes}. */
	private static double[] attachment(String base, long bytes) throws Exception {
		long start = System.nanoTime();
		HttpResponse<String> upload = Http.send(HttpRequest.newBuilder(URI.create(base + "/Binary"))
				.header("Content-Type", "application/dicom").timeout(Duration.ofMinutes(30))
				.POST(HttpRequest.BodyPublishers.fromPublisher(
						HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContent(bytes, 1)), bytes))
				.build());
		double up = bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
		if (upload.statusCode() != 201) {
			throw new IllegalStateException("Upload failed: " + upload.statusCode() + " " + upload.body());
		}
		String location = upload.headers().firstValue("Location").orElseThrow();
		start = System.nanoTime();
		HttpResponse<InputStream> download = Http.sendForStream(HttpRequest.newBuilder(
				URI.create(base + "/" + new IdType(location).toUnqualifiedVersionless().getValue()))
				.header("Accept", "application/dicom").timeout(Duration.ofMinutes(30)).GET().build());
		long read = 0;
		try (InputStream body = download.body()) {
			byte[] buffer = new byte[1 << 16];
			for (int n; (n = body.read(buffer)) != -1; ) {
				read += n;
			}
		}
		double down = read / 1e6 / ((System.nanoTime() - start) / 1e9);
		if (read != bytes) {
			throw new IllegalStateException("Downloaded " + read + " of " + bytes + " bytes");
		}
		return new double[] {up, down};
	}

	private static List<Double> notificationLatency(String base, int cases) {
		try (NotificationReceiver receiver = NotificationReceiver.start()) {
			NotificationLatency latency = new NotificationLatency(base, receiver, id -> {
				String body = get(base, "/Subscription/" + id).body();
				boolean active = FHIR.newJsonParser().parseResource(Subscription.class, body).getStatus()
						== Subscription.SubscriptionStatus.ACTIVE;
				if (active) {
					NotificationReceiver.pause(Duration.ofSeconds(2)); // active in the database, then in the registry
				}
				return active;
			});
			return latency.run(cases).notificationMillis();
		}
	}

	public static void print(Settings settings, Report report, PrintStream out) {
		out.printf(Locale.ROOT, "%nServer benchmark: %d cases, %d clients, %s, attachment %d MiB, %d notification cases, %d repeats%n",
				settings.cases(), settings.clients(), settings.database(), settings.attachmentBytes() >> 20,
				settings.notificationCases(), settings.repeats());
		out.printf(Locale.ROOT, "launch to first 200 on /fhir/metadata    %8.1f s%n", report.startupSeconds());
		if (!Double.isNaN(report.archivedStartupSeconds())) {
			out.printf(Locale.ROOT, "launch with a class-data archive         %8.1f s   (%.2f x the launch above; docs/operations.md)%n",
					report.archivedStartupSeconds(), report.archivedStartupSeconds() / report.startupSeconds());
		}
		out.printf(Locale.ROOT, "RSS after start-up / after the load      %8d / %d MiB%n",
				report.rssAfterStartup() >> 20, report.rssAfterLoad() >> 20);
		out.printf(Locale.ROOT, "cases per second                         %8.1f%n", report.casesPerSecond());
		latency(out, "case submission", report.submissions(), report.baselineCreates(), "bare Patient create");
		if (!report.plainSubmissions().isEmpty()) {
			out.printf(Locale.ROOT, "plain R4 cases per second (load-cases)   %8.1f   (%d more cases, to %d stored)%n",
					report.plainCasesPerSecond(), report.plainSubmissions().size(), report.storedCases());
			latency(out, "plain R4 case submission", report.plainSubmissions(), report.baselineCreates(), "bare Patient create");
		}
		out.printf(Locale.ROOT, "server busy after the load (then quiet)  %8.1f s%n", report.settleSeconds());
		out.printf(Locale.ROOT, "cases stored for the searches below      %8d   (the expert's worklist holds %d)%n",
				report.storedCases(), report.expertOpenCases());
		latency(out, "expert worklist search", report.worklist(), report.baselineReads(), "Patient read");
		latency(out, "  the same, page size 11-30 in turn", report.worklistNewQueries(), report.baselineReads(), "Patient read");
		latency(out, "$case", report.caseBundle(), report.baselineReads(), "Patient read");
		out.printf(Locale.ROOT, "attachment upload / download             %8.0f / %.0f MB/s%n",
				report.uploadMbPerSecond(), report.downloadMbPerSecond());
		latency(out, "notification (committed -> received)", report.notifications(), report.submissions(), "case submission");
		out.printf(Locale.ROOT, "machine: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
	}

	private static void latency(PrintStream out, String name, List<Double> values, List<Double> baseline, String baselineName) {
		out.printf(Locale.ROOT, "%-40s p50 %7.1f  p95 %7.1f  p99 %7.1f ms; p50 = %.1f x %s (%.1f ms)%n", name,
				percentile(values, 50), percentile(values, 95), percentile(values, 99),
				percentile(values, 50) / percentile(baseline, 50), baselineName, percentile(baseline, 50));
	}

	static Settings parse(String[] args) {
		Map<String, String> given = new HashMap<>();
		for (String arg : args) {
			for (String pair : arg.trim().split("\\s+")) {
				String[] keyValue = pair.split("=", 2);
				if (keyValue.length == 2) {
					given.put(keyValue[0], keyValue[1]);
				}
			}
		}
		return new Settings(
				Integer.parseInt(given.getOrDefault("cases", "1000")),
				Integer.parseInt(given.getOrDefault("clients", "4")),
				given.getOrDefault("database", "h2"),
				Long.parseLong(given.getOrDefault("attachment-mib", "1024")) << 20,
				Integer.parseInt(given.getOrDefault("notifications", "200")),
				Integer.parseInt(given.getOrDefault("repeats", "200")),
				Integer.parseInt(given.getOrDefault("stored-cases", "10000")),
				Boolean.parseBoolean(given.getOrDefault("class-data-archive", "true")));
	}

	public static double percentile(List<Double> values, double percentile) {
		return NotificationLatency.percentile(values, percentile);
	}

	private static List<Double> repeat(int times, Runnable request) {
		return repeat(times, i -> request.run());
	}

	/** @param request the request to time, given its number (0 to times - 1) */
	private static List<Double> repeat(int times, IntConsumer request) {
		List<Double> millis = new ArrayList<>();
		for (int i = 0; i < times; i++) {
			int number = i;
			millis.add(timed(() -> request.accept(number)));
		}
		return millis;
	}

	private static double timed(Runnable request) {
		long start = System.nanoTime();
		request.run();
		return (System.nanoTime() - start) / 1e6;
	}

	private static String barePatient() {
		return FHIR.newJsonParser().encodeResourceToString(new Patient().setActive(true));
	}

	private static String ownerOf(String base, String task) {
		return FHIR.newJsonParser().parseResource(Task.class, get(base, "/" + task).body()).getOwner().getReference();
	}

	private static String focusOf(String base, String task) {
		return FHIR.newJsonParser().parseResource(Task.class, get(base, "/" + task).body()).getFocus().getReference();
	}

	private static HttpResponse<String> post(String base, String path, String body) {
		return Http.send(HttpRequest.newBuilder(URI.create(base + path))
				.header("Content-Type", "application/fhir+json").timeout(Duration.ofMinutes(2))
				.POST(HttpRequest.BodyPublishers.ofString(body)).build());
	}

	private static HttpResponse<String> get(String base, String path) {
		HttpResponse<String> response = Http.send(HttpRequest.newBuilder(URI.create(base + path))
				.header("Accept", "application/fhir+json").timeout(Duration.ofMinutes(2)).GET().build());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return response;
	}

	private ServerBenchmark() {}
}

package org.example.secondopinion.benchmark;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.example.secondopinion.SecondOpinionServerApplication;
import org.example.secondopinion.notify.NotificationReceiver;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The notification latency benchmark: starts the server on a fresh H2 file database (production
 * settings, but http://localhost endpoints allowed), submits N cases (default 200) and prints the
 * latency from each submission to its first notification, with the submissions' own round trip as
 * the baseline. Run it with {@code ./mvnw -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.example.secondopinion.benchmark.NotificationLatencyBenchmark -Dexec.args=200}.
 */
public final class NotificationLatencyBenchmark {

	public static void main(String[] args) throws Exception {
		int cases = args.length > 0 ? Integer.parseInt(args[0]) : 200;
		Path dataDir = Files.createTempDirectory(Path.of("target"), "notification-benchmark-");
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(SecondOpinionServerApplication.class).run(
				"--server.port=0",
				"--second-opinion.data-dir=" + dataDir.toAbsolutePath(),
				"--second-opinion.notifications.development=true",
				"--logging.level.root=WARN",
				"--logging.level.org.example.secondopinion=WARN");
				NotificationReceiver receiver = NotificationReceiver.start()) {
			int port = ((WebServerApplicationContext) server).getWebServer().getPort();
			SubscriptionRegistry registry = server.getBean(SubscriptionRegistry.class);
			NotificationLatency benchmark = new NotificationLatency(
					"http://localhost:" + port + "/fhir", receiver, id -> registry.get(id) != null);
			benchmark.run(Math.min(cases, 10)); // warm-up: JIT, caches, connection pools
			NotificationLatency.Result result = benchmark.run(cases);
			print(cases, result);
		}
		System.exit(0);
	}

	private static void print(int cases, NotificationLatency.Result result) {
		double notification = NotificationLatency.percentile(result.notificationMillis(), 50);
		double submission = NotificationLatency.percentile(result.submissionMillis(), 50);
		System.out.printf(Locale.ROOT, "%nNotification latency, %d case submissions (events), %d notifications received%n",
				cases, result.notificationsReceived());
		line("submission round trip (baseline)", result.submissionMillis());
		line("committed -> notification received", result.notificationMillis());
		System.out.printf(Locale.ROOT, "ratio of medians (notification / submission): %.2f%n", notification / submission);
		System.out.printf(Locale.ROOT, "machine: %d cores, Java %s, %s%n",
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), System.getProperty("os.name"));
	}

	private static void line(String name, List<Double> millis) {
		System.out.printf(Locale.ROOT, "%-38s median %7.1f ms   p95 %7.1f ms   max %7.1f ms%n", name,
				NotificationLatency.percentile(millis, 50), NotificationLatency.percentile(millis, 95),
				NotificationLatency.percentile(millis, 100));
	}

	private NotificationLatencyBenchmark() {}
}

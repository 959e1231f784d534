package org.example.secondopinion.benchmark;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.example.secondopinion.Http;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.notify.NotificationReceiver;
import org.example.secondopinion.notify.TestSubscriptions;
import org.example.secondopinion.samples.SampleBundles;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * Measures how long an EHR waits for a notification: N new cases are submitted one after the other
 * (sample 06 with unique identifiers), a topic subscription to case-status-changed sends each change
 * to a local receiver, and for each case the time from the submission's answer (the commit precedes
 * it) to the first notification about its Task is recorded. The submissions' own round trips are
 * the baseline measured in the same run.
 */
public final class NotificationLatency {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	/** Latencies in milliseconds, one per case. */
	public record Result(List<Double> notificationMillis, List<Double> submissionMillis, int notificationsReceived) {}

	private final String baseUrl;
	private final NotificationReceiver receiver;
	private final Predicate<String> subscriptionActive;

	/** @param subscriptionActive tells whether the server has activated a subscription (by id part) */
	public NotificationLatency(String baseUrl, NotificationReceiver receiver, Predicate<String> subscriptionActive) {
		this.baseUrl = baseUrl;
		this.receiver = receiver;
		this.subscriptionActive = subscriptionActive;
	}

	public Result run(int cases) {
		post("", SampleBundles.read(SampleBundles.FOLDER.resolve("01-expert-directory.json")));
		String path = "/benchmark-" + System.nanoTime();
		subscribe(path);

		Map<String, Instant> committed = new HashMap<>();
		List<Double> submissions = new ArrayList<>();
		for (int i = 0; i < cases; i++) {
			String bundle = new SampleCase("lakeside-clinic.example.org").file("06-lipoma-request.json");
			Instant sent = Instant.now();
			HttpResponse<String> response = post("", bundle);
			Instant answered = Instant.now();
			if (response.statusCode() != 200) {
				throw new IllegalStateException("Submission failed: " + response.statusCode() + " " + response.body());
			}
			submissions.add(millis(sent, answered));
			committed.put(taskOf(response.body()), answered);
		}

		receiver.awaitReceived(path, received -> firstArrivals(received).keySet().containsAll(committed.keySet()),
				Duration.ofSeconds(60 + cases));
		Map<String, Instant> arrivals = firstArrivals(receiver.received(path));
		List<Double> latencies = committed.entrySet().stream()
				.map(entry -> Math.max(0, millis(entry.getValue(), arrivals.get(entry.getKey()))))
				.toList();
		return new Result(latencies, submissions, receiver.received(path).size());
	}

	public static double percentile(List<Double> values, double percentile) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
	}

	private void subscribe(String path) {
		Subscription subscription = TestSubscriptions.topic("case-status-changed", "Task?", receiver.url(path), "id-only");
		HttpResponse<String> created = post("/Subscription", FHIR.newJsonParser().encodeResourceToString(subscription));
		String id = FHIR.newJsonParser().parseResource(Subscription.class, created.body()).getIdElement().getIdPart();
		Instant deadline = Instant.now().plusSeconds(30);
		while (!subscriptionActive.test(id) && Instant.now().isBefore(deadline)) {
			NotificationReceiver.pause(Duration.ofMillis(50));
		}
		if (!subscriptionActive.test(id)) {
			throw new IllegalStateException("The benchmark's subscription did not become active");
		}
	}

	/** Task id → arrival of the first notification about it. */
	private static Map<String, Instant> firstArrivals(List<NotificationReceiver.Received> received) {
		Map<String, Instant> first = new HashMap<>();
		for (NotificationReceiver.Received notification : received) {
			Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, notification.body());
			bundle.getEntry().stream().skip(1).map(Bundle.BundleEntryComponent::getFullUrl)
					.map(url -> new IdType(url).toUnqualifiedVersionless().getValue())
					.forEach(task -> first.merge(task, notification.at(), (a, b) -> a.isBefore(b) ? a : b));
		}
		return first;
	}

	static String taskOf(String transactionResponse) {
		return FHIR.newJsonParser().parseResource(Bundle.class, transactionResponse).getEntry().stream()
				.map(entry -> entry.getResponse().getLocation())
				.filter(location -> location != null && location.startsWith("Task/"))
				.map(location -> new IdType(location).toUnqualifiedVersionless().getValue())
				.findFirst().orElseThrow(() -> new IllegalStateException("No Task in the transaction response"));
	}

	private HttpResponse<String> post(String path, String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
				.header("Content-Type", "application/fhir+json")
				.timeout(Duration.ofMinutes(2))
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build();
		return Http.send(request);
	}

	private static double millis(Instant from, Instant to) {
		return Duration.between(from, to).toNanos() / 1_000_000.0;
	}
}

package org.example.secondopinion.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An EHR's notification endpoint, started by a test on a free local port: it records every request
 * it is sent, and can be made to answer 503 as if it were down for maintenance, or be stopped.
 */
public final class NotificationReceiver implements AutoCloseable {

	/** One request as the endpoint received it. */
	public record Received(Instant at, String method, String path, Map<String, List<String>> headers, String body) {

		public String header(String name) {
			return headers.entrySet().stream()
					.filter(entry -> entry.getKey().equalsIgnoreCase(name))
					.map(entry -> entry.getValue().get(0))
					.findFirst()
					.orElse(null);
		}
	}

	/** What the endpoint answers with its 503 while down. */
	public static final String DOWN_ANSWER = "Down for maintenance";

	private final HttpServer server;
	private final List<Received> received = new CopyOnWriteArrayList<>();
	private final List<Instant> refused = new CopyOnWriteArrayList<>();
	private volatile boolean down;

	private NotificationReceiver(HttpServer server) {
		this.server = server;
	}

	public static NotificationReceiver start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			NotificationReceiver receiver = new NotificationReceiver(server);
			server.createContext("/", exchange -> {
				byte[] body = exchange.getRequestBody().readAllBytes();
				if (receiver.down) {
					receiver.refused.add(Instant.now());
					byte[] answer = DOWN_ANSWER.getBytes(StandardCharsets.UTF_8);
					exchange.getResponseHeaders().add("Content-Type", "text/plain");
					exchange.sendResponseHeaders(503, answer.length);
					exchange.getResponseBody().write(answer);
				} else {
					receiver.received.add(new Received(Instant.now(), exchange.getRequestMethod(),
							exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
							new String(body, StandardCharsets.UTF_8)));
					exchange.sendResponseHeaders(200, -1);
				}
				exchange.close();
			});
			server.start();
			return receiver;
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	public String url(String path) {
		return "http://localhost:" + server.getAddress().getPort() + path;
	}

	public void goDown() {
		down = true;
	}

	public void comeBack() {
		down = false;
	}

	/** Requests answered 503 while down. */
	public int refusedCount() {
		return refused.size();
	}

	public List<Received> received(String path) {
		return received.stream().filter(request -> request.path().equals(path)).toList();
	}

	/** Waits until {@code condition} holds for what was received, or fails after {@code timeout}. */
	public List<Received> awaitReceived(String path, Predicate<List<Received>> condition, Duration timeout) {
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			List<Received> now = received(path);
			if (condition.test(now)) {
				return now;
			}
			pause(Duration.ofMillis(100));
		}
		throw new AssertionError("Timed out after " + timeout + " waiting for notifications at " + path
				+ "; received " + received(path).size());
	}

	public static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	@Override
	public void close() {
		server.stop(0);
	}
}

package org.example.secondopinion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Plain HTTP for the tests and benchmarks: the exact status and body the server answers. */
public final class Http {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
	private static final Map<String, Supplier<String>> AUTHORIZATION = new ConcurrentHashMap<>();

	private Http() {}

	public static HttpResponse<String> send(HttpRequest request) {
		return send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** The answer as a stream, for a body too large to hold in memory. */
	public static HttpResponse<java.io.InputStream> sendForStream(HttpRequest request) {
		return send(request, HttpResponse.BodyHandlers.ofInputStream());
	}

	/**
	 * Requests to this origin that carry no Authorization header get one from the supplier (the test
	 * harness's bearer token for the shared test server).
	 */
	public static void authorize(String origin, Supplier<String> authorization) {
		AUTHORIZATION.put(origin, authorization);
	}

	private static HttpRequest withAuthorization(HttpRequest request) {
		if (request.headers().firstValue("Authorization").isPresent() || request.uri().getPath().startsWith("/oauth2/")) {
			return request;
		}
		URI uri = request.uri();
		Supplier<String> authorization = AUTHORIZATION.get(uri.getScheme() + "://" + uri.getAuthority());
		return authorization == null ? request
				: HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", authorization.get()).build();
	}

	private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
		try {
			return CLIENT.send(withAuthorization(request), body);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}
}

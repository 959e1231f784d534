package org.example.secondopinion.notify;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Says why a delivery failed, for the delivery log's {@code lastError}, in terms an integration engineer
 * can act on: "Connection refused: https://ehr.example.org/notify", "HTTP 503 from ...: [the endpoint's
 * answer]". HAPI's client wraps every network error in one saying "Failed to parse response from server";
 * what happened is further down the chain of causes.
 */
final class DeliveryError {

	private static final int MAX_ANSWER = 500;

	private DeliveryError() {}

	static String describe(Throwable failure, String endpoint) {
		List<Throwable> chain = chainOf(failure);
		// the innermost cause first: the network error itself rather than a wrapper repeating it
		for (int i = chain.size() - 1; i >= 0; i--) {
			String what = network(chain.get(i));
			if (what != null) {
				return what + ": " + endpoint;
			}
		}
		for (Throwable cause : chain) {
			// HAPI's client reports a failure to connect as a response exception too (status 500)
			if (cause instanceof BaseServerResponseException response && !(cause instanceof FhirClientConnectionException)) {
				return "HTTP " + response.getStatusCode() + " from " + endpoint + answer(response);
			}
		}
		Throwable root = chain.get(chain.size() - 1);
		return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + " (" + endpoint + ")";
	}

	private static String network(Throwable cause) {
		String message = cause.getMessage() == null ? "" : cause.getMessage();
		if (cause instanceof UnknownHostException) {
			return "Unknown host " + message;
		}
		if (cause instanceof SocketTimeoutException || cause.getClass().getSimpleName().endsWith("TimeoutException")) {
			return "Timed out (" + (message.isEmpty() ? cause.getClass().getSimpleName() : message) + ")";
		}
		if (cause instanceof NoRouteToHostException) {
			return "No route to host";
		}
		if (cause instanceof ConnectException) {
			return message.toLowerCase().contains("refused") ? "Connection refused" : "Could not connect (" + message + ")";
		}
		if (cause instanceof SSLException) {
			return "TLS handshake failed (" + message + ")";
		}
		return null;
	}

	private static String answer(BaseServerResponseException response) {
		String body = response.getResponseBody();
		if (body == null || body.isBlank()) {
			String message = response.getMessage();
			return message == null || message.isBlank() ? "" : ": " + message;
		}
		String trimmed = body.strip();
		return ": " + (trimmed.length() > MAX_ANSWER ? trimmed.substring(0, MAX_ANSWER) + "..." : trimmed);
	}

	private static List<Throwable> chainOf(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !chain.contains(cause); cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}
}

package org.example.secondopinion.notify;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the server may send notifications. A rest-hook endpoint makes the server call a URL of the
 * client's choosing, a classic server-side request forgery vector, so only https endpoints on hosts
 * the operator allowed are accepted. A development setting also allows http://localhost.
 */
public final class EndpointPolicy {

	private static final List<String> LOCAL_HOSTS = List.of("localhost", "127.0.0.1", "[::1]");

	private final List<String> allowedHosts;
	private final boolean development;

	public EndpointPolicy(List<String> allowedHosts, boolean development) {
		this.allowedHosts = allowedHosts.stream().map(host -> host.trim().toLowerCase(Locale.ROOT)).toList();
		this.development = development;
	}

	/** Why the endpoint is refused, or empty when notifications may be sent to it. */
	public Optional<String> refusal(String endpoint) {
		URI uri;
		try {
			uri = new URI(endpoint == null ? "" : endpoint.trim());
		} catch (URISyntaxException e) {
			return Optional.of("the endpoint is not a valid URL");
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
		if (host.isEmpty() || !(scheme.equals("https") || scheme.equals("http"))) {
			return Optional.of("the endpoint must be an absolute https URL");
		}
		if (uri.getUserInfo() != null) {
			return Optional.of("the endpoint must not carry credentials in the URL; send them in channel.header");
		}
		if (development && LOCAL_HOSTS.contains(host)) {
			return Optional.empty();
		}
		if (!scheme.equals("https")) {
			return Optional.of("the endpoint must use https");
		}
		if (!isAllowed(host)) {
			return Optional.of("the endpoint's host " + host + " is not in the server's allowed notification hosts");
		}
		return Optional.empty();
	}

	private boolean isAllowed(String host) {
		return allowedHosts.stream().anyMatch(allowed -> allowed.startsWith("*.")
				? host.endsWith(allowed.substring(1)) && host.length() > allowed.length() - 1
				: host.equals(allowed));
	}
}

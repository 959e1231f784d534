package org.example.secondopinion.security.devserver;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * SMART Backend Services: a client assertion's {@code jti} must not be used twice while the assertion is
 * valid, and the assertion may be valid for at most five minutes. Spring Authorization Server checks
 * neither, so this validator does. Each (client, jti) is remembered until its assertion expires.
 */
public class ClientAssertionReplayCache implements OAuth2TokenValidator<Jwt> {

	static final long MAX_LIFETIME_SECONDS = 300;

	private final Map<String, Instant> seen = new ConcurrentHashMap<>();
	private final Clock clock;

	public ClientAssertionReplayCache(Clock clock) {
		this.clock = clock;
	}

	@Override
	public OAuth2TokenValidatorResult validate(Jwt assertion) {
		Instant now = clock.instant();
		seen.values().removeIf(expiry -> expiry.isBefore(now));
		if (assertion.getId() == null || assertion.getId().isBlank()) {
			return invalid("The client assertion has no jti");
		}
		Instant expiry = assertion.getExpiresAt();
		if (expiry == null || expiry.isAfter(now.plusSeconds(MAX_LIFETIME_SECONDS + 60))) {
			return invalid("The client assertion must expire within five minutes");
		}
		String key = assertion.getClaimAsString("iss") + " " + assertion.getId();
		if (seen.putIfAbsent(key, expiry) != null) {
			return invalid("The client assertion's jti has been used before");
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static OAuth2TokenValidatorResult invalid(String description) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_client", description, null));
	}
}

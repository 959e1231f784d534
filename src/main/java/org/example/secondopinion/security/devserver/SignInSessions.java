package org.example.secondopinion.security.devserver;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The authorizations of signed-in people, revocable: signing out removes every authorization the person
 * holds (their refresh tokens stop working, not only the login session), and a refresh token presented
 * again after it was exchanged revokes its authorization, since one of the two holders is not the app it
 * was issued to. Spring Authorization Server's in-memory store offers neither, so this keeps the two
 * indexes it needs beside it.
 */
final class SignInSessions implements OAuth2AuthorizationService {

	private record Rotated(String authorizationId, Instant expiresAt) {
	}

	private final OAuth2AuthorizationService authorizations;
	private final Map<String, Set<String>> byPerson = new ConcurrentHashMap<>();
	private final Map<String, Rotated> exchangedRefreshTokens = new ConcurrentHashMap<>();

	SignInSessions(OAuth2AuthorizationService authorizations) {
		this.authorizations = authorizations;
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		OAuth2Authorization before = authorizations.findById(authorization.getId());
		OAuth2RefreshToken old = before == null || before.getRefreshToken() == null ? null : before.getRefreshToken().getToken();
		OAuth2RefreshToken now = authorization.getRefreshToken() == null ? null : authorization.getRefreshToken().getToken();
		if (old != null && (now == null || !now.getTokenValue().equals(old.getTokenValue()))) {
			exchangedRefreshTokens.put(old.getTokenValue(), new Rotated(authorization.getId(),
					old.getExpiresAt() == null ? Instant.now() : old.getExpiresAt()));
		}
		authorizations.save(authorization);
		byPerson.computeIfAbsent(authorization.getPrincipalName(), person -> ConcurrentHashMap.newKeySet()).add(authorization.getId());
		forgetExpired();
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		authorizations.remove(authorization);
		Set<String> ids = byPerson.get(authorization.getPrincipalName());
		if (ids != null) {
			ids.remove(authorization.getId());
		}
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return authorizations.findById(id);
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		OAuth2Authorization found = authorizations.findByToken(token, tokenType);
		if (found == null && (tokenType == null || OAuth2TokenType.REFRESH_TOKEN.equals(tokenType))) {
			Rotated reused = exchangedRefreshTokens.remove(token);
			if (reused != null) {
				OAuth2Authorization stolen = authorizations.findById(reused.authorizationId());
				if (stolen != null) {
					remove(stolen);
				}
			}
		}
		return found;
	}

	/** Everything the person signed in to: signing out ends all of it. */
	void revokeAllOf(String person) {
		Set<String> ids = byPerson.remove(person);
		if (ids != null) {
			ids.stream().map(authorizations::findById).filter(java.util.Objects::nonNull).forEach(authorizations::remove);
		}
	}

	private void forgetExpired() {
		Instant now = Instant.now();
		exchangedRefreshTokens.values().removeIf(rotated -> rotated.expiresAt().isBefore(now));
	}
}

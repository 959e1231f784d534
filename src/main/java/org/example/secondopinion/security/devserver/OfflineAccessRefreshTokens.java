package org.example.secondopinion.security.devserver;

import java.time.Instant;
import java.util.Base64;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens as SMART App Launch defines them: issued when {@code offline_access} was granted, to
 * public apps too. Spring Authorization Server's own generator gives none to a public client; SMART
 * allows them (the app keeps them in the browser's session, and each one is used once).
 */
final class OfflineAccessRefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final StringKeyGenerator values = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);

	@Override
	public OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
				|| !context.getAuthorizedScopes().contains("offline_access")) {
			return null;
		}
		Instant issuedAt = Instant.now();
		// the lifetime counts from signing in (the code's issue), not from the last refresh: refreshing does not
		// keep a sign-in alive for ever
		Instant signedIn = signedInAt(context).orElse(issuedAt);
		Instant expiresAt = signedIn.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive());
		return new OAuth2RefreshToken(values.generateKey(), issuedAt, expiresAt);
	}

	private static java.util.Optional<Instant> signedInAt(OAuth2TokenContext context) {
		if (context.getAuthorization() == null) {
			return java.util.Optional.empty();
		}
		var code = context.getAuthorization().getToken(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class);
		return java.util.Optional.ofNullable(code == null ? null : code.getToken().getIssuedAt());
	}
}

package org.example.secondopinion.security.devserver;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.example.secondopinion.security.SecurityProperties;
import org.example.secondopinion.security.SmartScope;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * A person's authorization carries no more than the person may have: an app asks for {@code user/*.cruds},
 * an expert is granted their own {@code user/Task.rus} and the rest of their list, a patient none of the
 * {@code user/} scopes. Applied when the authorization is first stored (the authorization code is issued),
 * so the token, its {@code scope} claim and the token response's {@code scope} all say the same.
 */
final class GrantedToTheUser implements OAuth2AuthorizationService {

	private final SignInSessions authorizations;
	private final SecurityProperties.DevelopmentAuthorizationServer server;

	GrantedToTheUser(SignInSessions authorizations, SecurityProperties.DevelopmentAuthorizationServer server) {
		this.authorizations = authorizations;
		this.server = server;
	}

	/** Signing out: every authorization the person holds ends, refresh tokens included. */
	void revokeAllOf(String person) {
		authorizations.revokeAllOf(person);
	}

	@Override
	public void save(OAuth2Authorization authorization) {
		authorizations.save(isNewSignIn(authorization) ? narrowed(authorization) : authorization);
	}

	private static boolean isNewSignIn(OAuth2Authorization authorization) {
		return AuthorizationGrantType.AUTHORIZATION_CODE.equals(authorization.getAuthorizationGrantType())
				&& authorization.getToken(OAuth2AuthorizationCode.class) != null && authorization.getAccessToken() == null;
	}

	private OAuth2Authorization narrowed(OAuth2Authorization authorization) {
		List<String> own = server.user(authorization.getPrincipalName()).map(SecurityProperties.User::scopes).orElse(List.of());
		return OAuth2Authorization.from(authorization)
				.authorizedScopes(granted(authorization.getAuthorizedScopes(), own))
				.build();
	}

	/**
	 * OpenID Connect's scopes as asked; each SMART scope asked for that lies within the person's own, and
	 * each of the person's own that lies within one asked for ({@code user/*.cruds} asked gives all theirs).
	 */
	static Set<String> granted(Set<String> requested, List<String> own) {
		Set<String> granted = new LinkedHashSet<>();
		for (String scope : requested) {
			if (WorkspaceClient.isOpenIdScope(scope) || SmartScope.isWithinAny(scope, own)) {
				granted.add(scope);
			}
		}
		List<String> smartRequested = requested.stream().filter(scope -> !WorkspaceClient.isOpenIdScope(scope)).toList();
		own.stream().filter(scope -> SmartScope.isWithinAny(scope, smartRequested)).forEach(granted::add);
		return granted;
	}

	@Override
	public void remove(OAuth2Authorization authorization) {
		authorizations.remove(authorization);
	}

	@Override
	public OAuth2Authorization findById(String id) {
		return authorizations.findById(id);
	}

	@Override
	public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
		return authorizations.findByToken(token, tokenType);
	}
}

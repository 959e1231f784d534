package org.example.secondopinion.security.devserver;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.example.secondopinion.security.SmartScope;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The workspace at {@code /workspace}: a public SMART client (it runs in the browser and keeps no secret),
 * standalone launch with the authorization code flow and PKCE. The people who use it sign in on the login
 * page; their tokens carry their own role, {@code fhirUser} and scopes.
 */
final class WorkspaceClient {

	static final String CLIENT_ID = "workspace";
	static final String REDIRECT_PATH = "/workspace/";
	/** What the workspace may ask for; a person's tokens carry only what they themselves may have. */
	static final List<String> SCOPES = List.of("openid", "fhirUser", "offline_access", "user/*.cruds", "patient/*.rs");
	private static final Set<String> OPENID_SCOPES = Set.of("openid", "fhirUser", "profile", "offline_access", "online_access");

	private WorkspaceClient() {
	}

	static RegisteredClient registration(Duration accessTokenLifetime, Duration refreshTokenLifetime) {
		return RegisteredClient.withId(CLIENT_ID)
				.clientId(CLIENT_ID)
				.clientName("Second-opinion workspace")
				.clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
				// the port the README runs on; any origin the server is reached at is accepted, see sameOriginRedirect
				.redirectUri("http://localhost:8080" + REDIRECT_PATH)
				.scopes(scopes -> scopes.addAll(SCOPES))
				.clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
				.tokenSettings(TokenSettings.builder()
						.accessTokenTimeToLive(accessTokenLifetime)
						.refreshTokenTimeToLive(refreshTokenLifetime)
						.reuseRefreshTokens(false) // each refresh token works once; one presented again revokes the sign-in (SignInSessions)
						.build())
				.build();
	}

	/**
	 * The workspace is served by this server, so its redirect URI is {@code /workspace/} on whatever origin
	 * the browser reached the authorization endpoint at (a test's random port, a hospital's host name): the
	 * code goes back to the page that asked for it, never elsewhere. Other clients keep the exact match.
	 */
	static final Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> SAME_ORIGIN_REDIRECT = context -> {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		RegisteredClient client = context.getRegisteredClient();
		String redirect = request.getRedirectUri();
		boolean registered = redirect != null && client.getRedirectUris().contains(redirect);
		boolean sameOrigin = CLIENT_ID.equals(client.getClientId()) && redirect != null
				&& redirect.equals(origin(request.getAuthorizationUri()) + REDIRECT_PATH);
		if (!registered && !sameOrigin) {
			// no redirect to an unknown URI: the error is shown to the person, not sent anywhere
			throw new OAuth2AuthorizationCodeRequestAuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "redirect_uri is not registered for this client", null), null);
		}
	};

	/**
	 * Requested scopes within those the client is registered for, by the rule client_credentials requests
	 * meet too ({@link SmartScope#isWithinAny}): OpenID Connect's by name, SMART scopes by what they allow
	 * ({@code user/Task.rs} within {@code user/*.cruds}).
	 */
	static final Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> SCOPES_WITHIN_REGISTERED = context -> {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		Set<String> registered = context.getRegisteredClient().getScopes();
		for (String scope : request.getScopes()) {
			if (!SmartScope.isWithinAny(scope, registered)) {
				throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
						"The client is not registered for " + scope, null), request);
			}
		}
	};

	static boolean isOpenIdScope(String scope) {
		return OPENID_SCOPES.contains(scope);
	}

	private static String origin(String uri) {
		URI parsed = URI.create(uri);
		return parsed.getScheme() + "://" + parsed.getRawAuthority();
	}
}

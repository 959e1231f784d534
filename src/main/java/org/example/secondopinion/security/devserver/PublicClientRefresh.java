package org.example.secondopinion.security.devserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A public client (no secret, no key) presents a refresh token with only its {@code client_id}, as SMART
 * App Launch's refresh step says. Spring Authorization Server authenticates public clients only on the
 * PKCE code exchange; this accepts them on the refresh grant too, for clients registered as public. The
 * refresh token itself is then checked as usual: it must be one issued to this client, still valid, unused.
 */
final class PublicClientRefresh {

	private PublicClientRefresh() {
	}

	static final AuthenticationConverter CONVERTER = PublicClientRefresh::convert;

	private static Authentication convert(HttpServletRequest request) {
		boolean refresh = AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE));
		String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
		boolean otherCredentials = request.getHeader(HttpHeaders.AUTHORIZATION) != null
				|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
				|| request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null;
		if (!refresh || clientId == null || clientId.isBlank() || otherCredentials) {
			return null;
		}
		return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.NONE, null,
				Map.of(OAuth2ParameterNames.GRANT_TYPE, AuthorizationGrantType.REFRESH_TOKEN.getValue()));
	}

	static AuthenticationProvider provider(RegisteredClientRepository clients) {
		return new AuthenticationProvider() {
			@Override
			public Authentication authenticate(Authentication authentication) {
				OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
				if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())
						|| !AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(
								request.getAdditionalParameters().get(OAuth2ParameterNames.GRANT_TYPE))) {
					return null; // not a public client's refresh: another provider's business
				}
				RegisteredClient client = clients.findByClientId(request.getPrincipal().toString());
				if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
					throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
				}
				return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
			}

			@Override
			public boolean supports(Class<?> type) {
				return OAuth2ClientAuthenticationToken.class.isAssignableFrom(type);
			}
		};
	}
}

package org.example.secondopinion.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code GET /.well-known/smart-configuration} (also under {@code /fhir}, where SMART clients look
 * first): how to get a token for this server. Answered by a filter because {@code /fhir/*} belongs
 * to HAPI's servlet.
 */
public class SmartConfigurationEndpoint extends OncePerRequestFilter {

	public static final List<String> PATHS = List.of("/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration");

	private final SecurityProperties properties;
	private final ObjectMapper json = new ObjectMapper();

	public SmartConfigurationEndpoint(SecurityProperties properties) {
		this.properties = properties;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"GET".equals(request.getMethod()) || !PATHS.contains(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setContentType("application/json");
		json.writerWithDefaultPrettyPrinter().writeValue(response.getOutputStream(), configuration(request));
	}

	private Map<String, Object> configuration(HttpServletRequest request) {
		boolean development = properties.usesDevelopmentAuthorizationServer();
		String origin = ServletUriComponentsBuilder.fromContextPath(request).replacePath(null).build().toUriString();
		String authorizationEndpoint = properties.publishedAuthorizationEndpoint(origin);
		boolean people = !authorizationEndpoint.isBlank();
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("issuer", development ? origin : properties.issuer());
		configuration.put("jwks_uri", development ? origin + "/oauth2/jwks" : properties.jwkSetUri());
		if (people) {
			configuration.put("authorization_endpoint", authorizationEndpoint);
		}
		configuration.put("token_endpoint", properties.publishedTokenEndpoint(origin));
		if (development) {
			configuration.put("userinfo_endpoint", origin + "/userinfo");
			configuration.put("revocation_endpoint", origin + "/oauth2/revoke");
		}
		configuration.put("grant_types_supported", people
				? List.of("authorization_code", "refresh_token", "client_credentials") : List.of("client_credentials"));
		configuration.put("response_types_supported", people ? List.of("code") : List.of());
		configuration.put("code_challenge_methods_supported", people ? List.of("S256") : List.of());
		configuration.put("token_endpoint_auth_methods_supported", people
				? List.of("private_key_jwt", "client_secret_basic", "none") : List.of("private_key_jwt", "client_secret_basic"));
		configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
		List<String> scopes = new ArrayList<>(List.of("system/*.cruds", "user/*.cruds", "patient/*.rs"));
		if (people) {
			scopes.addAll(0, List.of("openid", "fhirUser", "offline_access"));
		}
		configuration.put("scopes_supported", scopes);
		List<String> capabilities = new ArrayList<>(List.of(
				"client-confidential-asymmetric", "client-confidential-symmetric", "permission-v1", "permission-v2"));
		if (people) {
			// standalone launch by a public app (the workspace), people signed in with OpenID Connect
			capabilities.addAll(List.of("launch-standalone", "client-public", "sso-openid-connect",
					"permission-offline", "permission-user", "permission-patient"));
		}
		configuration.put("capabilities", capabilities);
		return configuration;
	}
}

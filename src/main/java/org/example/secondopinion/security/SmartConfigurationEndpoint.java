package org.example.secondopinion.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("issuer", development ? origin : properties.issuer());
		configuration.put("jwks_uri", development ? origin + "/oauth2/jwks" : properties.jwkSetUri());
		configuration.put("token_endpoint", properties.publishedTokenEndpoint(origin));
		configuration.put("grant_types_supported", List.of("client_credentials"));
		configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_basic"));
		configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
		configuration.put("scopes_supported", List.of("system/*.cruds", "user/*.cruds", "patient/*.rs"));
		configuration.put("capabilities", List.of(
				"client-confidential-asymmetric", "client-confidential-symmetric", "permission-v1", "permission-v2"));
		return configuration;
	}
}

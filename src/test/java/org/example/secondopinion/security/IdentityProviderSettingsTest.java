package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.web.filter.CorsFilter;

/**
 * The settings of a hospital's own identity provider and of browser access, on the beans they configure:
 * {@code jwk-set-uri} (tokens are checked against the keys published there, fetched over HTTP) and
 * {@code allowed-origins} (CORS answers those origins and no others). The shared test server runs with
 * the development authorization server and no origins, so neither is exercised there.
 */
class IdentityProviderSettingsTest {

	private static final String ISSUER = "https://idp.riverbend-hospital.example.org";
	private static final String AUDIENCE = "https://second-opinion.example.org/fhir";

	private final RSAKey providerKey = newKey("provider-key");
	private HttpServer provider;
	private String jwkSetUri;

	@BeforeEach
	void publishTheProvidersKeys() throws IOException {
		byte[] keys = new JWKSet(providerKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
		provider = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
		provider.createContext("/keys", exchange -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, keys.length);
			exchange.getResponseBody().write(keys);
			exchange.close();
		});
		provider.start();
		jwkSetUri = "http://localhost:" + provider.getAddress().getPort() + "/keys";
	}

	@AfterEach
	void stopTheProvider() {
		provider.stop(0);
	}

	@Test
	void aTokenSignedWithAKeyPublishedAtTheJwkSetUriIsAccepted() throws JOSEException {
		JwtDecoder decoder = decoder();

		assertThat(decoder.decode(token(providerKey, ISSUER)).getClaimAsString("client_id")).isEqualTo("riverbend-ehr");
	}

	@Test
	void aTokenSignedWithAnotherKeyOrFromAnotherIssuerIsRefused() throws JOSEException {
		JwtDecoder decoder = decoder();

		assertThatThrownBy(() -> decoder.decode(token(newKey("provider-key"), ISSUER))).isInstanceOf(BadJwtException.class);
		assertThatThrownBy(() -> decoder.decode(token(providerKey, "https://idp.elsewhere.example.org")))
				.isInstanceOf(JwtValidationException.class).hasMessageContaining("iss");
	}

	@Test
	void anAllowedOriginGetsCorsAndAnyOtherOriginNone() throws Exception {
		SecurityProperties properties = bind(Map.of("second-opinion.security.allowed-origins", "https://portal.riverbend-hospital.example.org"));
		CorsFilter cors = new CorsFilter(ApiSecurityConfig.cors(properties));

		MockHttpServletResponse allowed = preflight(cors, "https://portal.riverbend-hospital.example.org");
		MockHttpServletResponse other = preflight(cors, "https://evil.example.com");

		assertThat(allowed.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://portal.riverbend-hospital.example.org");
		assertThat(allowed.getHeader("Access-Control-Allow-Methods")).contains("POST");
		assertThat(other.getStatus()).isEqualTo(403);
		assertThat(other.getHeader("Access-Control-Allow-Origin")).isNull();
	}

	@Test
	void withoutAllowedOriginsNoOriginGetsCors() throws Exception {
		CorsFilter cors = new CorsFilter(ApiSecurityConfig.cors(bind(Map.of())));

		assertThat(preflight(cors, "https://portal.riverbend-hospital.example.org").getHeader("Access-Control-Allow-Origin")).isNull();
	}

	private JwtDecoder decoder() {
		SecurityProperties properties = bind(Map.of(
				"second-opinion.security.issuer", ISSUER,
				"second-opinion.security.jwk-set-uri", jwkSetUri));
		// No development authorization server: with a jwk-set-uri its keys are never asked for.
		@SuppressWarnings({"unchecked", "rawtypes"})
		ObjectProvider<JWKSource<SecurityContext>> noDevelopmentKeys =
				(ObjectProvider) new StaticListableBeanFactory().getBeanProvider(JWKSource.class);
		return new ApiSecurityConfig().jwtDecoder(properties, noDevelopmentKeys);
	}

	private static String token(RSAKey key, String issuer) throws JOSEException {
		JWTClaimsSet claims = new JWTClaimsSet.Builder()
				.issuer(issuer)
				.audience(AUDIENCE)
				.claim("client_id", "riverbend-ehr")
				.expirationTime(Date.from(Instant.now().plusSeconds(300)))
				.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).build(), claims);
		jwt.sign(new RSASSASigner(key));
		return jwt.serialize();
	}

	private static MockHttpServletResponse preflight(CorsFilter cors, String origin) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("OPTIONS", "/fhir/ServiceRequest");
		request.addHeader("Origin", origin);
		request.addHeader("Access-Control-Request-Method", "POST");
		MockHttpServletResponse response = new MockHttpServletResponse();
		cors.doFilter(request, response, new MockFilterChain());
		return response;
	}

	private static SecurityProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings))
				.bindOrCreate("second-opinion.security", SecurityProperties.class);
	}

	private static RSAKey newKey(String keyId) {
		try {
			return new RSAKeyGenerator(2048).keyID(keyId).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}
}

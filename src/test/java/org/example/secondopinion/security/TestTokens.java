package org.example.secondopinion.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.example.secondopinion.Http;

/**
 * Access tokens for the tests, got the way an EHR gets them (SMART Backend Services): a client
 * assertion signed with the client's private key, exchanged at the development authorization
 * server's token endpoint. The test harness's own client has a key made once per JVM.
 */
public final class TestTokens {

	public static final String HARNESS_CLIENT = "test-harness";
	public static final String HARNESS_SCOPES = "system/*.cruds";
	/** The organisation the harness refers cases for, as an EHR of its own: it reaches only what it stored. */
	public static final String HARNESS_ORGANIZATION = "https://second-opinion.example.org/fhir/id/organization|test-harness";

	private static final RSAKey HARNESS_KEY = generate();
	private static final Map<String, Token> CACHE = new ConcurrentHashMap<>();

	private record Token(String value, Instant expires) {}

	private TestTokens() {}

	/** The public half of the harness key, as the inline JWK set its client registration carries. */
	public static String harnessJwks() {
		return new JWKSet(HARNESS_KEY.toPublicJWK()).toString();
	}

	/** A valid token of the harness client, re-used until it is about to expire. */
	public static String harness(String origin) {
		String key = origin + " " + HARNESS_CLIENT;
		Token token = CACHE.get(key);
		if (token == null || token.expires().isBefore(Instant.now().plusSeconds(60))) {
			HttpResponse<String> answer = requestToken(origin, HARNESS_CLIENT, HARNESS_KEY, HARNESS_SCOPES);
			if (answer.statusCode() != 200) {
				throw new IllegalStateException("No token for the test harness: " + answer.statusCode() + " " + answer.body());
			}
			token = new Token(field(answer.body(), "access_token"), Instant.now().plusSeconds(3000));
			CACHE.put(key, token);
		}
		return token.value();
	}

	/** The answer of the token endpoint to a client-credentials request with a fresh client assertion. */
	public static HttpResponse<String> requestToken(String origin, String clientId, JWK key, String scope) {
		return postToken(origin, clientId, assertion(origin, clientId, key, UUID.randomUUID().toString(), 240), scope);
	}

	public static HttpResponse<String> postToken(String origin, String clientId, String assertion, String scope) {
		Map<String, String> form = Map.of(
				"grant_type", "client_credentials",
				"scope", scope,
				"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
				"client_assertion", assertion);
		return Http.send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(formEncoded(form)))
				.build());
	}

	/** A token of a client-secret client (the development stand-ins for interactive users). */
	public static HttpResponse<String> requestTokenWithSecret(String origin, String clientId, String secret, String scope) {
		String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
		return Http.send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", "Basic " + basic)
				.POST(HttpRequest.BodyPublishers.ofString(formEncoded(Map.of("grant_type", "client_credentials", "scope", scope))))
				.build());
	}

	/** A SMART client assertion: iss = sub = the client, aud = the token endpoint, a jti, a short expiry. */
	public static String assertion(String origin, String clientId, JWK key, String jti, long validSeconds) {
		try {
			JWTClaimsSet claims = new JWTClaimsSet.Builder()
					.issuer(clientId)
					.subject(clientId)
					.audience(origin + "/oauth2/token")
					.jwtID(jti)
					.issueTime(new Date())
					.expirationTime(Date.from(Instant.now().plusSeconds(validSeconds)))
					.build();
			boolean ec = key instanceof ECKey;
			JWSHeader header = new JWSHeader.Builder(ec ? JWSAlgorithm.ES384 : JWSAlgorithm.RS384)
					.keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
			SignedJWT jwt = new SignedJWT(header, claims);
			JWSSigner signer = ec ? new ECDSASigner((ECKey) key) : new RSASSASigner((RSAKey) key);
			jwt.sign(signer);
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * A sample EHR client's key pair: the private key from sample-bundles/dev-clients/ (PKCS#8 PEM, as
	 * the README's walkthrough uses it) with the public key the server has registered for it.
	 */
	public static JWK sampleClientKey(String clientId) {
		try {
			String pem = Files.readString(Path.of("sample-bundles/dev-clients/" + clientId + ".private-key.pem"));
			byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
			PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
			JWK registered = JWKSet.parse(Files.readString(
					Path.of("src/main/resources/dev-authorization-server/" + clientId + ".jwks.json"))).getKeys().get(0);
			if (registered instanceof RSAKey rsa) {
				return new RSAKey.Builder(rsa).privateKey((RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(spec)).build();
			}
			return new ECKey.Builder((ECKey) registered)
					.privateKey((ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(spec)).build();
		} catch (Exception e) {
			throw new IllegalStateException("Cannot read the sample key of " + clientId, e);
		}
	}

	/**
	 * An access token as the development authorization server would sign it, with the claims a test
	 * chooses: to make tokens that differ from a valid one in one respect only, or for a client of its own.
	 * It acts for the harness's organisation, so it reaches what the harness stored.
	 */
	public static String signed(RSAKey key, String clientId, String audience, long validSeconds, String scope) {
		try {
			Instant now = Instant.now();
			Instant issued = validSeconds < 0 ? now.minusSeconds(600) : now;
			JWTClaimsSet claims = new JWTClaimsSet.Builder()
					.subject(clientId)
					.claim("client_id", clientId)
					.audience(audience)
					.issueTime(Date.from(issued))
					.notBeforeTime(Date.from(issued))
					.expirationTime(Date.from(now.plusSeconds(validSeconds)))
					.claim("scope", scope)
					.claim("organization", HARNESS_ORGANIZATION)
					.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The development authorization server's own signing key (a bean of the server under test). */
	public static RSAKey serverKey(com.nimbusds.jose.jwk.source.JWKSource<com.nimbusds.jose.proc.SecurityContext> keys) {
		try {
			return (RSAKey) keys.get(new com.nimbusds.jose.jwk.JWKSelector(
					new com.nimbusds.jose.jwk.JWKMatcher.Builder().privateOnly(true).build()), null).get(0);
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	public static RSAKey generate() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	public static String field(String json, String name) {
		try {
			return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path(name).asText(null);
		} catch (Exception e) {
			throw new IllegalStateException(json, e);
		}
	}

	private static String formEncoded(Map<String, String> form) {
		return form.entrySet().stream()
				.map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
	}
}

package org.example.secondopinion.security.devserver;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Decoders of the client assertions of {@code private_key_jwt} clients. Spring Authorization Server
 * only fetches a client's keys from a JWKS URL; a client registered with an inline JWK set
 * (setting {@link #INLINE_JWKS}) is decoded with those keys here. Either way the assertion is
 * checked as Spring Authorization Server does (iss, sub, aud, exp) and for replay.
 */
class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

	static final String INLINE_JWKS = "second-opinion.client.jwks";

	private final JwtClientAssertionDecoderFactory fromJwksUrl = new JwtClientAssertionDecoderFactory();
	private final ClientAssertionReplayCache replayCache;
	private final Map<String, JwtDecoder> inline = new ConcurrentHashMap<>();

	ClientAssertionDecoders(ClientAssertionReplayCache replayCache) {
		this.replayCache = replayCache;
		fromJwksUrl.setJwtValidatorFactory(client -> new DelegatingOAuth2TokenValidator<>(
				JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client), replayCache));
	}

	@Override
	public JwtDecoder createDecoder(RegisteredClient client) {
		String jwks = client.getClientSettings().getSetting(INLINE_JWKS);
		if (jwks == null) {
			return fromJwksUrl.createDecoder(client);
		}
		return inline.computeIfAbsent(client.getId(), id -> inlineDecoder(client, jwks));
	}

	private JwtDecoder inlineDecoder(RegisteredClient client, String jwks) {
		JwsAlgorithm algorithm = client.getClientSettings().getTokenEndpointAuthenticationSigningAlgorithm();
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		try {
			processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
					JWSAlgorithm.parse(algorithm.getName()), new ImmutableJWKSet<>(JWKSet.parse(jwks))));
		} catch (ParseException e) {
			throw new IllegalStateException("Client " + client.getClientId() + " has an invalid JWK set", e);
		}
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
				JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client), replayCache));
		return decoder;
	}
}

package org.example.secondopinion.security;

import java.time.Duration;
import org.example.secondopinion.access.Role;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Security settings, bound from {@code second-opinion.security.*}.
 *
 * @param developmentWithoutAuthentication turns authentication and authorization off, for local
 *                   experiments only: every request is then allowed. Never on in production.
 * @param issuer     the {@code iss} access tokens must carry. Empty with the development
 *                   authorization server: its own tokens, signed with its own key, are accepted.
 * @param jwkSetUri  where a hospital's own identity provider publishes its token signing keys;
 *                   empty: the development authorization server's keys
 * @param tokenEndpoint the identity provider's token endpoint, published in the SMART configuration;
 *                   empty with the development authorization server (its own)
 * @param authorizationEndpoint the identity provider's authorization endpoint (where people sign in),
 *                   published in the SMART configuration; empty with the development authorization server
 * @param audience   the {@code aud} every access token must contain
 * @param maxRequestBody     bodies larger than this are refused with 413 (raw Binary uploads excepted)
 * @param allowedOrigins     browser origins allowed by CORS; empty (the default) allows none
 * @param developmentAuthorizationServer the embedded authorization server with the sample clients
 */
@ConfigurationProperties("second-opinion.security")
public record SecurityProperties(
		@DefaultValue("false") boolean developmentWithoutAuthentication,
		@DefaultValue("") String issuer,
		@DefaultValue("") String jwkSetUri,
		@DefaultValue("") String tokenEndpoint,
		@DefaultValue("") String authorizationEndpoint,
		@DefaultValue("https://second-opinion.example.org/fhir") String audience,
		@DefaultValue("20MB") org.springframework.util.unit.DataSize maxRequestBody,
		@DefaultValue List<String> allowedOrigins,
		@DefaultValue DevelopmentAuthorizationServer developmentAuthorizationServer) {

	/** Whether tokens come from the development authorization server (no identity provider's issuer is set). */
	public boolean usesDevelopmentAuthorizationServer() {
		return issuer.isBlank();
	}

	/** The token endpoint clients are told of; {@code origin} is this server's, e.g. {@code http://localhost:8080}. */
	public String publishedTokenEndpoint(String origin) {
		return usesDevelopmentAuthorizationServer() ? origin + "/oauth2/token" : tokenEndpoint;
	}

	/** The authorization endpoint clients are told of, empty when people cannot sign in through this server. */
	public String publishedAuthorizationEndpoint(String origin) {
		return usesDevelopmentAuthorizationServer() ? origin + "/oauth2/authorize" : authorizationEndpoint;
	}

	/**
	 * @param enabled             run the development authorization server (on by default, so the README's
	 *                            first steps work; switch it off where a real identity provider is used)
	 * @param accessTokenLifetime how long its access tokens are valid
	 * @param refreshTokenLifetime how long a person stays signed in without signing in again: the lifetime of
	 *                            a refresh token (each use replaces it with a new one)
	 * @param clients             the clients it knows: the sample ones in application.yaml
	 * @param extraClients        more clients, without repeating the sample ones (a list set in another
	 *                            configuration source replaces a list, it does not add to it)
	 * @param users               the people who sign in on its login page: the sample ones in application.yaml
	 * @param usersAsSecretClients also register each user as a client with the password as its client secret
	 *                            ({@code client_credentials}), so that tests get a user's token without a
	 *                            browser. Off by default: people sign in through the login page.
	 */
	public record DevelopmentAuthorizationServer(
			@DefaultValue("true") boolean enabled,
			@DefaultValue("1h") Duration accessTokenLifetime,
			@DefaultValue("8h") Duration refreshTokenLifetime,
			@DefaultValue List<Client> clients,
			@DefaultValue List<Client> extraClients,
			@DefaultValue List<User> users,
			@DefaultValue("false") boolean usersAsSecretClients) {

		public List<Client> allClients() {
			java.util.stream.Stream<Client> userClients = usersAsSecretClients
					? users.stream().map(User::asSecretClient) : java.util.stream.Stream.empty();
			return java.util.stream.Stream.of(clients.stream(), extraClients.stream(), userClients)
					.flatMap(clients -> clients).toList();
		}

		public java.util.Optional<User> user(String username) {
			return users.stream().filter(user -> user.username().equals(username)).findFirst();
		}
	}

	/**
	 * A person who signs in on the development authorization server's login page (development only: the
	 * passwords are in the configuration).
	 *
	 * @param username  what they type to sign in
	 * @param password  their password
	 * @param name      their name, for the id_token
	 * @param role      the role their tokens carry ({@link Role})
	 * @param fhirUser  who they are in FHIR, as {@code identifier-system|value} (an expert's PractitionerRole,
	 *                  a patient's Patient)
	 * @param scopes    the most their tokens may carry, whatever an app asks for
	 */
	public record User(
			String username,
			String password,
			String name,
			Role role,
			String fhirUser,
			@DefaultValue List<String> scopes) {

		Client asSecretClient() {
			return new Client(username, role, scopes, null, null, "RS384", password, fhirUser, null);
		}
	}

	/**
	 * A registered client.
	 *
	 * @param clientId           its id
	 * @param role               the role its tokens carry ({@link Role})
	 * @param scopes             the SMART scopes it may ask for
	 * @param jwks               its public keys as an inline JWK set (JSON), or a {@code classpath:} location of one,
	 *                           for {@code private_key_jwt} authentication (SMART Backend Services)
	 * @param jwksUrl            or the URL its JWK set is published at
	 * @param signingAlgorithm   RS384 or ES384: the algorithm of its client assertions
	 * @param secret             for development stand-ins of interactive users only: a client secret
	 *                           ({@code client_secret_basic}) instead of keys
	 * @param fhirUser           the person it acts for, as {@code identifier-system|value} (experts, patients)
	 * @param organization       the organisation it acts for, as {@code identifier-system|value} (EHR systems)
	 */
	public record Client(
			String clientId,
			Role role,
			@DefaultValue List<String> scopes,
			String jwks,
			String jwksUrl,
			@DefaultValue("RS384") String signingAlgorithm,
			String secret,
			String fhirUser,
			String organization) {}
}

package org.example.secondopinion.security.devserver;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.ArrayList;
import org.example.secondopinion.access.Role;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import java.util.UUID;
import org.example.secondopinion.audit.AuditTrail;
import org.example.secondopinion.audit.HttpAuditEvents;
import org.example.secondopinion.security.Caller;
import org.example.secondopinion.security.SecurityProperties;
import org.example.secondopinion.security.SecurityProperties.Client;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.example.secondopinion.security.SmartScope;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;

/**
 * The development authorization server: Spring Authorization Server in the same process, at
 * {@code /oauth2/token} and {@code /oauth2/jwks}, with the clients of {@code
 * second-opinion.security.development-authorization-server.clients}. It issues SMART Backend Services
 * tokens (client_credentials with a {@code private_key_jwt} client assertion, RS384 or ES384) to EHR
 * systems, and signs people in for SMART apps (standalone launch: authorization code with PKCE, OpenID
 * Connect, refresh tokens with {@code offline_access}) on its login page, with the sample experts,
 * coordinator and patient of {@code second-opinion.security.development-authorization-server.users}.
 *
 * <p>It exists so that the server is secure from the first run. A hospital switches it off and points
 * {@code second-opinion.security.jwk-set-uri} and {@code issuer} at its own identity provider.
 */
@Configuration
@ConditionalOnProperty(name = "second-opinion.security.development-authorization-server.enabled", matchIfMissing = true)
public class DevelopmentAuthorizationServerConfig {

	@Bean
	@Order(1)
	public SecurityFilterChain authorizationServerSecurity(HttpSecurity http, ClientAssertionDecoders assertionDecoders,
			RegisteredClientRepository clients, AuditTrail audit) throws Exception {
		OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
		AuthenticationFailureHandler refusals = auditedRefusals(audit);
		http.securityMatcher(server.getEndpointsMatcher())
				.with(server, configurer -> configurer
						.oidc(Customizer.withDefaults()) // id_token, /userinfo, /.well-known/openid-configuration
						.authorizationEndpoint(authorize -> authorize
								.authenticationProviders(providers -> providers.stream()
										.filter(OAuth2AuthorizationCodeRequestAuthenticationProvider.class::isInstance)
										.map(OAuth2AuthorizationCodeRequestAuthenticationProvider.class::cast)
										.forEach(provider -> provider.setAuthenticationValidator(
												WorkspaceClient.SAME_ORIGIN_REDIRECT.andThen(WorkspaceClient.SCOPES_WITHIN_REGISTERED)))))
						.clientAuthentication(authentication -> authentication
								.errorResponseHandler(refusals)
								.authenticationConverter(PublicClientRefresh.CONVERTER)
								.authenticationProvider(PublicClientRefresh.provider(clients))
								.authenticationProviders(providers -> providers.stream()
										.filter(JwtClientAssertionAuthenticationProvider.class::isInstance)
										.map(JwtClientAssertionAuthenticationProvider.class::cast)
										.forEach(provider -> provider.setJwtDecoderFactory(assertionDecoders))))
						.tokenEndpoint(token -> token
								.errorResponseHandler(refusals)
								.authenticationProviders(providers -> providers.stream()
										.filter(OAuth2ClientCredentialsAuthenticationProvider.class::isInstance)
										.map(OAuth2ClientCredentialsAuthenticationProvider.class::cast)
										.forEach(provider -> provider.setAuthenticationValidator(
												DevelopmentAuthorizationServerConfig::requestedScopesWithinRegistered)))))
				.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
				// a person who is not signed in yet is sent to the login page, and back to the app afterwards
				.exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
						new LoginUrlAuthenticationEntryPoint(SignInPage.LOGIN_PATH), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
				.csrf(csrf -> csrf.ignoringRequestMatchers(server.getEndpointsMatcher()));
		return http.build();
	}

	/** The login page for people, and signing out. A session cookie, CSRF-protected forms. */
	@Bean
	@Order(1)
	public SecurityFilterChain signInPageSecurity(HttpSecurity http, SecurityProperties properties, AuditTrail audit,
			GrantedToTheUser sessions) throws Exception {
		return http.securityMatcher(SignInPage.LOGIN_PATH, "/logout")
				.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
				.userDetailsService(SignInPage.users(properties.developmentAuthorizationServer()))
				.formLogin(login -> login
						.loginPage(SignInPage.LOGIN_PATH)
						.successHandler(SignInPage.auditedSuccess(audit))
						.failureHandler(SignInPage.auditedFailure(audit)))
				.logout(logout -> logout
						// GET too, so that an app's "Sign out" link ends the login session; what a forged GET can do
						// is sign someone out, nothing more
						.logoutRequestMatcher(new OrRequestMatcher(
								PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/logout"),
								PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.POST, "/logout")))
						.addLogoutHandler((request, response, authentication) -> {
							if (authentication != null) {
								sessions.revokeAllOf(authentication.getName()); // the app's refresh tokens end with the sign-in
								audit.record(HttpAuditEvents.event(request, 200, "Signed out: " + authentication.getName()));
							}
						})
						// an app's link comes back to the workspace, which offers to sign in again
						.logoutSuccessHandler((request, response, authentication) -> response.sendRedirect(
								HttpMethod.GET.matches(request.getMethod()) ? WorkspaceClient.REDIRECT_PATH : SignInPage.LOGIN_PATH + "?logout")))
				.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(SignInPage.CONTENT_SECURITY_POLICY)))
				.build();
	}

	/** Codes, tokens and sign-ins in memory: the development server runs on one node. */
	@Bean
	GrantedToTheUser authorizations(SecurityProperties properties) {
		return new GrantedToTheUser(new SignInSessions(new InMemoryOAuth2AuthorizationService()), properties.developmentAuthorizationServer());
	}

	@Bean
	public OAuth2TokenGenerator<OAuth2Token> tokens(JWKSource<SecurityContext> signingKeys,
			OAuth2TokenCustomizer<JwtEncodingContext> claims) {
		JwtGenerator jwts = new JwtGenerator(new NimbusJwtEncoder(signingKeys));
		jwts.setJwtCustomizer(claims);
		return new DelegatingOAuth2TokenGenerator(jwts, new OfflineAccessRefreshTokens());
	}

	/**
	 * A refused token request (a client that cannot authenticate, a scope it is not registered for) is
	 * answered as the authorization server does, and recorded in the audit trail like any refusal.
	 */
	private static AuthenticationFailureHandler auditedRefusals(AuditTrail audit) {
		OAuth2ErrorHttpMessageConverter errors = new OAuth2ErrorHttpMessageConverter();
		return (request, response, failure) -> {
			OAuth2Error error = failure instanceof OAuth2AuthenticationException oauth ? oauth.getError()
					: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
			// as the authorization server answers: 401 for a client that could not authenticate, 400 otherwise
			HttpStatus status = OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode()) ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST;
			String client = request.getParameter("client_id");
			audit.record(HttpAuditEvents.event(request, status.value(), "Token refused (" + error.getErrorCode() + ")"
					+ (client == null ? "" : " for client " + client)));
			SecurityContextHolder.clearContext();
			ServletServerHttpResponse answer = new ServletServerHttpResponse(response);
			answer.setStatusCode(status);
			errors.write(error, null, answer);
		};
	}

	/** A client may ask for any SMART scope within those it is registered for (not only those exact strings). */
	private static void requestedScopesWithinRegistered(OAuth2ClientCredentialsAuthenticationContext context) {
		OAuth2ClientCredentialsAuthenticationToken request = context.getAuthentication();
		for (String scope : request.getScopes()) {
			if (!SmartScope.isWithinAny(scope, context.getRegisteredClient().getScopes())) {
				throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
						"The client is not registered for " + scope, null));
			}
		}
	}

	/** Before Spring Security's filters (order -100). */
	@Bean
	public FilterRegistrationBean<ClientIdFromAssertion> clientIdFromAssertion() {
		FilterRegistrationBean<ClientIdFromAssertion> registration = new FilterRegistrationBean<>(new ClientIdFromAssertion());
		registration.addUrlPatterns(ClientIdFromAssertion.TOKEN_PATH);
		registration.setOrder(-150);
		return registration;
	}

	@Bean
	ClientAssertionDecoders clientAssertionDecoders() {
		return new ClientAssertionDecoders(new ClientAssertionReplayCache(Clock.systemUTC()));
	}

	@Bean
	public AuthorizationServerSettings authorizationServerSettings() {
		return AuthorizationServerSettings.builder().build(); // issuer: the URL the server is reached at
	}

	@Bean
	public RegisteredClientRepository registeredClients(SecurityProperties properties) {
		SecurityProperties.DevelopmentAuthorizationServer server = properties.developmentAuthorizationServer();
		List<RegisteredClient> clients = new ArrayList<>(server.allClients().stream()
				.map(client -> register(client, server, properties.audience()))
				.toList());
		clients.add(WorkspaceClient.registration(server.accessTokenLifetime(), server.refreshTokenLifetime()));
		return new InMemoryRegisteredClientRepository(clients);
	}

	private static RegisteredClient register(Client client, SecurityProperties.DevelopmentAuthorizationServer server, String audience) {
		RegisteredClient.Builder builder = RegisteredClient.withId(client.clientId())
				.clientId(client.clientId())
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scopes(scopes -> scopes.addAll(client.scopes()))
				.tokenSettings(TokenSettings.builder().accessTokenTimeToLive(server.accessTokenLifetime()).build());
		if (client.secret() != null) {
			return builder.clientSecret("{noop}" + client.secret())
					.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
					.build();
		}
		ClientSettings.Builder settings = ClientSettings.builder()
				.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.from(client.signingAlgorithm()));
		if (client.jwksUrl() != null) {
			settings.jwkSetUrl(client.jwksUrl());
		} else if (client.jwks() != null) {
			settings.setting(ClientAssertionDecoders.INLINE_JWKS, inlineOrClasspath(client.jwks()));
		} else {
			throw new IllegalStateException("Client " + client.clientId() + " needs jwks, jwks-url or secret");
		}
		return builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
				.clientSettings(settings.build())
				.build();
	}

	private static String inlineOrClasspath(String jwks) {
		if (jwks.trim().startsWith("{")) {
			return jwks;
		}
		try (InputStream in = new DefaultResourceLoader().getResource(jwks).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read the JWK set " + jwks, e);
		}
	}

	/**
	 * Access tokens: audience this FHIR server, and our claims (role, organisation, person) from the client's
	 * registration or, for a person signed in, from the user's. The id_token says who signed in: their
	 * {@code fhirUser}, role and name.
	 */
	@Bean
	public OAuth2TokenCustomizer<JwtEncodingContext> tokenClaims(SecurityProperties properties) {
		SecurityProperties.DevelopmentAuthorizationServer server = properties.developmentAuthorizationServer();
		return context -> {
			boolean accessToken = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
			boolean idToken = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
			if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
				if (accessToken) {
					Client client = server.allClients().stream()
							.filter(candidate -> candidate.clientId().equals(context.getRegisteredClient().getClientId()))
							.findFirst().orElseThrow();
					claims(context, properties.audience(), client.role(), client.fhirUser(), client.organization());
				}
				return;
			}
			SecurityProperties.User user = server.user(context.getPrincipal().getName())
					.orElseThrow(() -> new IllegalStateException("No such user: " + context.getPrincipal().getName()));
			if (accessToken) {
				claims(context, properties.audience(), user.role(), user.fhirUser(), null);
			} else if (idToken) {
				person(context, user.role(), user.fhirUser());
				if (user.name() != null) {
					context.getClaims().claim("name", user.name());
				}
			}
		};
	}

	private static void claims(JwtEncodingContext context, String audience, Role role, String fhirUser, String organization) {
		context.getClaims().audience(List.of(audience));
		context.getClaims().claim("client_id", context.getRegisteredClient().getClientId());
		person(context, role, fhirUser);
		if (organization != null) {
			context.getClaims().claim(Caller.ORGANIZATION_CLAIM, organization);
		}
	}

	/** Who the token is for: the role it acts in and, for a person, who they are in FHIR. Access and id tokens alike. */
	private static void person(JwtEncodingContext context, Role role, String fhirUser) {
		context.getClaims().claim(Caller.ROLE_CLAIM, role.name().toLowerCase());
		if (fhirUser != null) {
			context.getClaims().claim("fhirUser", fhirUser);
		}
	}

	/**
	 * The key the development server signs tokens with, kept in the data folder so tokens stay valid
	 * across a restart.
	 */
	@Bean
	public JWKSource<SecurityContext> developmentSigningKeys(@Value("${second-opinion.data-dir}") Path dataDir) {
		Path file = dataDir.resolve("authorization-server").resolve("signing-key.json");
		try {
			RSAKey key;
			if (Files.exists(file)) {
				key = RSAKey.parse(Files.readString(file));
			} else {
				key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
				Files.createDirectories(file.getParent());
				Files.writeString(file, key.toJSONString());
			}
			return new ImmutableJWKSet<>(new JWKSet(key));
		} catch (Exception e) {
			throw new IllegalStateException("Cannot load or create the development signing key at " + file, e);
		}
	}
}

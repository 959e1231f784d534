package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.example.secondopinion.audit.AuditTrail;
import org.example.secondopinion.audit.HttpAuditEvents;
import org.example.secondopinion.config.FhirServerExtension;
import org.example.secondopinion.config.RestfulServerConfig;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The API's front door: every request but the CapabilityStatement, the SMART configuration and the
 * health probes needs a valid OAuth2 bearer token (signature, expiry, audience and, where configured,
 * issuer checked by Spring Security's resource server). What the token then allows is HAPI's
 * {@link SmartScopeAuthorization}'s business. Refusals are OperationOutcomes: 401 with a
 * {@code WWW-Authenticate} header for a missing or bad token.
 */
@Configuration
@EnableWebSecurity
public class ApiSecurityConfig {

	static final String[] PUBLIC_GET = {
		RestfulServerConfig.FHIR_PATH + "/metadata",
		"/.well-known/smart-configuration",
		RestfulServerConfig.FHIR_PATH + "/.well-known/smart-configuration",
		"/actuator/health", "/actuator/health/**", "/actuator/prometheus"
	};

	@Bean
	@Order(2)
	public SecurityFilterChain apiSecurity(HttpSecurity http, SecurityProperties properties, AuditTrail audit) throws Exception {
		http.csrf(csrf -> csrf.disable()) // bearer tokens, no cookies: nothing for a forged request to ride on
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.cors(cors -> cors.configurationSource(cors(properties)))
				.headers(headers -> headers
						.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; frame-ancestors 'none'"))
						.httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true)));
		if (properties.developmentWithoutAuthentication()) {
			return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build();
		}
		BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
		return http
				.authorizeHttpRequests(requests -> requests
						.requestMatchers(HttpMethod.GET, PUBLIC_GET).permitAll()
						.requestMatchers(HttpMethod.OPTIONS, "/**").permitAll()
						.requestMatchers("/error").permitAll()
						.anyRequest().authenticated())
				.oauth2ResourceServer(resourceServer -> resourceServer
						.jwt(Customizer.withDefaults())
						.authenticationEntryPoint((request, response, failure) -> {
							String message = "A valid bearer token is required: " + failure.getMessage();
							audit.record(HttpAuditEvents.event(request, 401, message));
							challenge.commence(request, response, failure);
							OperationOutcomeResponses.write(request, response, 401, IssueType.LOGIN, message);
						})
						.accessDeniedHandler((request, response, denied) -> {
							audit.record(HttpAuditEvents.event(request, 403, "Access denied"));
							OperationOutcomeResponses.write(request, response, 403, IssueType.FORBIDDEN, "Access denied");
						}))
				.build();
	}

	/**
	 * Tokens signed by a hospital's identity provider ({@code jwk-set-uri}) or by the development
	 * authorization server's own key. RS256 is what the development server signs with; identity
	 * providers commonly use RS256 or RS384/ES384, all accepted.
	 */
	@Bean
	public JwtDecoder jwtDecoder(SecurityProperties properties, ObjectProvider<JWKSource<SecurityContext>> developmentKeys) {
		NimbusJwtDecoder decoder;
		if (!properties.jwkSetUri().isBlank()) {
			decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwkSetUri())
					.jwsAlgorithms(algorithms -> algorithms.addAll(List.of(
							org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS256,
							org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.RS384,
							org.springframework.security.oauth2.jose.jws.SignatureAlgorithm.ES384)))
					.build();
		} else {
			JWKSource<SecurityContext> keys = developmentKeys.getIfAvailable();
			if (keys == null) {
				throw new IllegalStateException("Set second-opinion.security.jwk-set-uri (the identity provider's keys) "
						+ "or enable the development authorization server");
			}
			DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
			processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256), keys));
			decoder = new NimbusJwtDecoder(processor);
		}
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new JwtTimestampValidator());
		validators.add(new JwtClaimValidator<List<String>>("aud", audience -> audience != null && audience.contains(properties.audience())));
		if (!properties.issuer().isBlank()) {
			validators.add(new JwtIssuerValidator(properties.issuer()));
		}
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
		return decoder;
	}

	/** CORS is closed unless origins are configured: browsers then get no cross-origin access at all. */
	static UrlBasedCorsConfigurationSource cors(SecurityProperties properties) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		if (!properties.allowedOrigins().isEmpty()) {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.setAllowedOrigins(properties.allowedOrigins());
			configuration.setAllowedMethods(List.of("GET", "POST", "PUT", "DELETE", "OPTIONS"));
			configuration.setAllowedHeaders(List.of("Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Exist"));
			configuration.setExposedHeaders(List.of("Location", "ETag", "Content-Location"));
			source.registerCorsConfiguration("/**", configuration);
		}
		return source;
	}

	@Bean
	public org.springframework.boot.web.servlet.FilterRegistrationBean<SmartConfigurationEndpoint> smartConfiguration(
			SecurityProperties properties) {
		var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new SmartConfigurationEndpoint(properties));
		registration.addUrlPatterns(SmartConfigurationEndpoint.PATHS.toArray(String[]::new));
		return registration;
	}

	/**
	 * A request Spring Security's firewall refuses (a path with {@code ..}, {@code //}, an encoded slash, a
	 * non-printable header) is the client's mistake: 400 with an OperationOutcome, where Spring's default
	 * would let it end as a 500.
	 */
	@Bean
	public org.springframework.security.web.firewall.RequestRejectedHandler rejectedRequests() {
		return (request, response, rejected) -> OperationOutcomeResponses.write(request, response, 400, IssueType.INVALID,
				OperationOutcomeResponses.NOT_VALID_HTTP + ": " + rejected.getMessage());
	}

	/** Tomcat's own error pages (HTML with its version) replaced by OperationOutcomes. */
	@Bean
	public org.springframework.boot.web.server.WebServerFactoryCustomizer<org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory> operationOutcomeErrorPages() {
		return factory -> factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
				host.setErrorReportValveClass(OperationOutcomeErrorPages.class.getName());
			}
		});
	}

	/** First of all filters: every later one, and the servlet mapping, see the same plain path. */
	@Bean
	public org.springframework.boot.web.servlet.FilterRegistrationBean<NormalizedPathsOnly> normalizedPathsOnly() {
		var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new NormalizedPathsOnly());
		registration.addUrlPatterns("/*");
		registration.setOrder(Integer.MIN_VALUE);
		return registration;
	}

	/** Before Spring Security (order -100), so an oversized body costs no token check. */
	@Bean
	public org.springframework.boot.web.servlet.FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(SecurityProperties properties) {
		var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(
				new RequestBodyLimit(properties.maxRequestBody().toBytes()));
		registration.addUrlPatterns(RestfulServerConfig.FHIR_PATH + "/*");
		registration.setOrder(-200);
		return registration;
	}

	@Bean
	public SubscriberReach subscriberReach(DaoRegistry daoRegistry, ca.uhn.fhir.context.FhirContext fhirContext) {
		return new SubscriberReach(daoRegistry, fhirContext);
	}

	@Bean
	public CaseAccess caseAccess(DaoRegistry daoRegistry, ca.uhn.fhir.context.FhirContext fhirContext) {
		return new CaseAccess(daoRegistry, new MembershipOf(fhirContext), new PatientOfCaller(daoRegistry));
	}

	/**
	 * The access policy's adapters on every FHIR interaction, and HAPI's authorization of scopes, unless
	 * authentication is switched off for development (then nothing is labelled: there is no organisation).
	 * The guards on storage are registered storage-wide, so that every path through HAPI's storage (REST,
	 * transaction and batch entries, conditional matches, the server's own writes) meets them; their order
	 * is {@link InterceptorOrder}.
	 */
	@Bean
	public FhirServerExtension smartScopeAuthorization(SecurityProperties properties, DaoRegistry daoRegistry,
			CaseAccess caseAccess, MatchUrlService matchUrls, IInterceptorService storageInterceptors,
			ISearchParamExtractor searchParamExtractor) {
		return server -> {
			server.registerInterceptor(new ProtectedElements(server.getFhirContext()));
			if (!properties.developmentWithoutAuthentication()) {
				ConditionalReferences conditionalReferences = new ConditionalReferences(server.getFhirContext(), daoRegistry,
						matchUrls, caseAccess);
				storageInterceptors.registerInterceptor(new WriteGuard(caseAccess,
						new ReferencedLabels(server.getFhirContext(), daoRegistry, conditionalReferences), searchParamExtractor,
						conditionalReferences, matchUrls, server.getFhirContext()));
				storageInterceptors.registerInterceptor(new SearchGuard(caseAccess));
				storageInterceptors.registerInterceptor(new ReadGuard(caseAccess));
				server.registerInterceptor(new CaseViewGuard(caseAccess));
				server.registerInterceptor(new InstanceGuard(caseAccess));
				server.registerInterceptor(new ConditionalUrlNarrowing(caseAccess));
				PatientOfCaller patients = new PatientOfCaller(daoRegistry);
				server.registerInterceptor(new CallerSearchNarrowing(patients, caseAccess));
				server.registerInterceptor(new SmartScopeAuthorization(patients, caseAccess));
				server.registerInterceptor(new SmartCapabilities(properties));
			}
		};
	}
}

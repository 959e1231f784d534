package org.example.secondopinion.workspace;

import org.example.secondopinion.security.SecurityProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The workspace's pages and the WebJars they load are public files: the data behind them comes from the
 * FHIR API with the signed-in person's bearer token, so the pages themselves hold nothing to protect. What
 * they are allowed to do in the browser is narrowed instead, by a Content Security Policy: scripts and
 * styles from this server only (no inline script, so injected markup cannot run), network calls to this
 * server (and an identity provider's token endpoint) only, and records framed from {@code blob:} URLs the page
 * made itself, of the types it allows.
 */
@Configuration
public class WorkspaceSecurityConfig {

	/**
	 * The policy, with the identity provider's token endpoint among the places the page may call when it is
	 * not this server (the app exchanges its code there).
	 */
	static String contentSecurityPolicy(SecurityProperties properties) {
		String tokenEndpoint = properties.usesDevelopmentAuthorizationServer() ? "" : properties.tokenEndpoint();
		String tokenOrigin = tokenEndpoint.isBlank() ? "" : " " + java.net.URI.create(tokenEndpoint).resolve("/").toString().replaceAll("/$", "");
		return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
				+ "connect-src 'self'" + tokenOrigin + "; frame-src blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
	}

	@Bean
	@Order(0)
	public SecurityFilterChain workspaceSecurity(HttpSecurity http, SecurityProperties properties) throws Exception {
		return http.securityMatcher("/workspace", "/workspace/**", "/webjars/**", "/favicon.ico")
				.authorizeHttpRequests(requests -> requests
						.requestMatchers(HttpMethod.GET).permitAll() // any path of this chain's
						.anyRequest().denyAll())
				.csrf(csrf -> csrf.disable()) // GET only: nothing here changes state
				.sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.requestCache(cache -> cache.disable())
				.headers(headers -> headers
						.contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(properties)))
						.crossOriginOpenerPolicy(coop -> coop.policy(
								org.springframework.security.web.header.writers.CrossOriginOpenerPolicyHeaderWriter.CrossOriginOpenerPolicy.SAME_ORIGIN))
						.referrerPolicy(referrer -> referrer.policy(
								org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
				.build();
	}
}

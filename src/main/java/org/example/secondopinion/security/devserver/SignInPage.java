package org.example.secondopinion.security.devserver;

import jakarta.servlet.http.HttpServletRequest;
import java.util.stream.Collectors;
import org.example.secondopinion.audit.AuditTrail;
import org.example.secondopinion.audit.HttpAuditEvents;
import org.example.secondopinion.security.SecurityProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.util.HtmlUtils;

/**
 * The development authorization server's login page: a plain form (username, password, CSRF token) that
 * Spring Security's form login checks against the configured users. It lists the sample users, since
 * their passwords are in the configuration anyway. Every sign-in, and every refused one, is audited.
 */
@Controller
@ConditionalOnProperty(name = "second-opinion.security.development-authorization-server.enabled", matchIfMissing = true)
public class SignInPage {

	static final String LOGIN_PATH = "/login";
	/** The page has no script; its style sheet comes from this server. */
	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; "
			+ "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

	private final SecurityProperties.DevelopmentAuthorizationServer server;

	public SignInPage(SecurityProperties properties) {
		this.server = properties.developmentAuthorizationServer();
	}

	static UserDetailsService users(SecurityProperties.DevelopmentAuthorizationServer server) {
		return new InMemoryUserDetailsManager(server.users().stream()
				.map(user -> User.withUsername(user.username()).password("{noop}" + user.password())
						.roles(user.role().name()).build())
				.toList());
	}

	@GetMapping(value = LOGIN_PATH, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	public String page(HttpServletRequest request) {
		CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
		boolean refused = request.getParameter("error") != null;
		boolean signedOut = request.getParameter("logout") != null;
		String samples = server.users().stream()
				.map(user -> "<tr><td><code>" + html(user.username()) + "</code></td><td><code>" + html(user.password())
						+ "</code></td><td>" + html(user.name() == null ? "" : user.name()) + "</td><td>"
						+ html(user.role().name().toLowerCase()) + "</td></tr>")
				.collect(Collectors.joining("\n"));
		return """
				<!DOCTYPE html>
				<html lang="en">
				<head>
				<meta charset="utf-8">
				<meta name="viewport" content="width=device-width, initial-scale=1">
				<title>Sign in - Second-opinion centre</title>
				<link rel="stylesheet" href="/webjars/bootstrap/5.3.3/css/bootstrap.min.css">
				</head>
				<body class="bg-light">
				<main class="container py-5">
				<h1 class="h3 mb-4">Sign in to the second-opinion centre</h1>
				%s
				<form method="post" action="%s" class="card card-body mb-4">
				<div class="mb-3"><label for="username" class="form-label">Username</label>
				<input id="username" name="username" class="form-control" autocomplete="username" required autofocus></div>
				<div class="mb-3"><label for="password" class="form-label">Password</label>
				<input id="password" name="password" type="password" class="form-control" autocomplete="current-password" required></div>
				<input type="hidden" name="%s" value="%s">
				<button type="submit" class="btn btn-primary">Sign in</button>
				</form>
				<section aria-labelledby="samples">
				<h2 id="samples" class="h6">Sample users (development authorization server only)</h2>
				<table class="table table-sm"><thead><tr><th>username</th><th>password</th><th>name</th><th>role</th></tr></thead>
				<tbody>
				%s
				</tbody></table>
				</section>
				</main>
				</body>
				</html>
				""".formatted(
						refused ? "<div class=\"alert alert-danger\" role=\"alert\">Wrong username or password.</div>"
								: signedOut ? "<div class=\"alert alert-info\" role=\"status\">You are signed out.</div>" : "",
						LOGIN_PATH, html(csrf.getParameterName()), html(csrf.getToken()), samples);
	}

	private static String html(String text) {
		return HtmlUtils.htmlEscape(text);
	}

	static AuthenticationSuccessHandler auditedSuccess(AuditTrail audit) {
		SavedRequestAwareAuthenticationSuccessHandler backToTheApp = new SavedRequestAwareAuthenticationSuccessHandler();
		return (request, response, authentication) -> {
			audit.record(HttpAuditEvents.event(request, 200, "Signed in as " + authentication.getName()));
			backToTheApp.onAuthenticationSuccess(request, response, authentication);
		};
	}

	static AuthenticationFailureHandler auditedFailure(AuditTrail audit) {
		SimpleUrlAuthenticationFailureHandler backToTheForm = new SimpleUrlAuthenticationFailureHandler(LOGIN_PATH + "?error");
		return (request, response, failure) -> {
			audit.record(HttpAuditEvents.event(request, 401, "Sign-in refused for " + request.getParameter("username")));
			backToTheForm.onAuthenticationFailure(request, response, failure);
		};
	}
}

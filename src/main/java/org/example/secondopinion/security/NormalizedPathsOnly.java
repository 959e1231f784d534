package org.example.secondopinion.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a path that is not in its plain form: {@code .} or {@code ..} segments (also percent-encoded),
 * path parameters ({@code ;}), empty segments or backslashes. Tomcat maps such a request by its normalised
 * path ({@code /workspace/../fhir/Patient} reaches the FHIR servlet) while a matcher reading the raw URI
 * sees another one ({@code /workspace/**}): the two must never disagree about which rules apply, so the
 * request is answered 400 before any of them runs.
 */
public class NormalizedPathsOnly extends OncePerRequestFilter {

	private static final Pattern NOT_PLAIN = Pattern.compile("(^|/)(\\.|%2e){1,2}(/|$)|;|//|\\\\|%5c|%2f", Pattern.CASE_INSENSITIVE);

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI();
		if (path != null && NOT_PLAIN.matcher(path).find()) {
			OperationOutcomeResponses.write(request, response, 400, IssueType.INVALID,
					OperationOutcomeResponses.NOT_VALID_HTTP + ": its path must not hold '.' or '..' segments, ';', '//' or '\\'");
			return;
		}
		chain.doFilter(request, response);
	}
}

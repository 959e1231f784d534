package org.example.secondopinion.security.devserver;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.ParseException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * SMART Backend Services clients send no {@code client_id} with their client assertion (RFC 7523 makes
 * it optional: the assertion's {@code iss} names the client), while Spring Authorization Server
 * requires one. This fills it in from the assertion, unverified: Spring Authorization Server then
 * verifies the assertion with that client's keys and checks that iss and sub both name it.
 */
class ClientIdFromAssertion extends OncePerRequestFilter {

	static final String TOKEN_PATH = "/oauth2/token";

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"POST".equals(request.getMethod()) || !TOKEN_PATH.equals(request.getRequestURI())
				|| request.getParameter("client_id") != null || request.getParameter("client_assertion") == null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String issuer;
		try {
			issuer = JWTParser.parse(request.getParameter("client_assertion")).getJWTClaimsSet().getIssuer();
		} catch (ParseException unreadable) {
			issuer = null; // Spring Authorization Server refuses it as it is
		}
		chain.doFilter(issuer == null ? request : withClientId(request, issuer), response);
	}

	private static HttpServletRequest withClientId(HttpServletRequest request, String clientId) {
		Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
		parameters.put("client_id", new String[] {clientId});
		return new HttpServletRequestWrapper(request) {
			@Override
			public String getParameter(String name) {
				String[] values = parameters.get(name);
				return values == null ? null : values[0];
			}

			@Override
			public Map<String, String[]> getParameterMap() {
				return Collections.unmodifiableMap(parameters);
			}

			@Override
			public Enumeration<String> getParameterNames() {
				return Collections.enumeration(parameters.keySet());
			}

			@Override
			public String[] getParameterValues(String name) {
				return parameters.get(name);
			}
		};
	}
}

package org.example.secondopinion.security;

import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.example.secondopinion.access.Role;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is calling, as the access token says: the client, its SMART scopes and, in our own claims,
 * the role it acts in and the organisation or person it acts for.
 *
 * <p>Claims: {@code client_id} (or {@code sub}), {@code scope} (space-separated or a list),
 * {@code second_opinion_role}, {@code fhirUser} and, for an EHR, {@code organization} (the referring
 * organisation's identifier as {@code system|value}). A hospital's own identity provider must add the
 * last three (docs/security.md, connecting your identity provider).
 */
public record Caller(String clientId, Role role, List<SmartScope> scopes, String fhirUser, String organization) {

	public static final String ROLE_CLAIM = "second_opinion_role";
	public static final String ORGANIZATION_CLAIM = "organization";

	/** The role a token's claim names; never {@link Role#SERVER}, which no token can claim. */
	static Optional<Role> roleNamed(Object claim) {
		return claim == null ? Optional.empty()
				: Arrays.stream(Role.values()).filter(role -> role != Role.SERVER)
						.filter(role -> role.name().equalsIgnoreCase(claim.toString())).findFirst();
	}

	/** The caller of the current request, if it came with a valid token. */
	public static Optional<Caller> current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof JwtAuthenticationToken token)) {
			return Optional.empty();
		}
		// asked many times per request (every access decision, every audit record of a search page): the
		// token's claims are read once. Kept by identity: each request decodes its own token object.
		LastRead last = LAST_READ.get();
		if (last == null || last.token() != token.getToken()) {
			last = new LastRead(token.getToken(), of(token.getToken()));
			LAST_READ.set(last);
		}
		return Optional.of(last.caller());
	}

	private record LastRead(Jwt token, Caller caller) {}

	private static final ThreadLocal<LastRead> LAST_READ = new ThreadLocal<>();

	public static Caller of(Jwt token) {
		String clientId = Optional.ofNullable(token.getClaimAsString("client_id")).orElse(token.getSubject());
		Role role = roleNamed(token.getClaims().get(ROLE_CLAIM)).orElse(Role.EHR);
		return new Caller(clientId, role, scopes(token.getClaims().get("scope")), token.getClaimAsString("fhirUser"),
				token.getClaimAsString(ORGANIZATION_CLAIM));
	}

	private static List<SmartScope> scopes(Object claim) {
		Collection<?> values = claim instanceof Collection<?> list ? list
				: claim == null ? List.of() : Arrays.asList(claim.toString().split(" "));
		return values.stream().map(Object::toString).map(SmartScope::parse).flatMap(Optional::stream).toList();
	}

	/**
	 * The identifier the {@code fhirUser} claim names ({@code system|value}) as a search token: the Patient
	 * of a patient token, the PractitionerRole of an expert.
	 */
	public Optional<TokenParam> fhirUserIdentifier() {
		if (fhirUser == null || !fhirUser.contains("|")) {
			return Optional.empty();
		}
		String[] identifier = fhirUser.split("\\|", 2);
		return Optional.of(new TokenParam(identifier[0], identifier[1]));
	}

	public boolean hasPatientScopes() {
		return scopes.stream().anyMatch(scope -> scope.context() == SmartScope.Context.PATIENT);
	}

	/**
	 * Whether a {@code system/} or {@code user/} scope allows this on any resource of the type: where the
	 * patient a resource belongs to cannot be checked, a {@code patient/} scope allows nothing.
	 */
	public boolean mayOnAnyPatient(String resourceType, SmartScope.Permission permission) {
		return scopes.stream().filter(scope -> scope.context() != SmartScope.Context.PATIENT)
				.anyMatch(scope -> scope.allows(resourceType, permission));
	}

	public boolean may(String resourceType, SmartScope.Permission permission) {
		return scopes.stream().anyMatch(scope -> scope.allows(resourceType, permission));
	}
}

package org.example.secondopinion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

class TokenAuditContextTest {

	private static final String EXPERTS = "https://second-opinion.example.org/fhir/id/expert";

	private final TokenAuditContext context = new TokenAuditContext();

	@AfterEach
	void forgetTheCaller() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void thePersonIsTheIdentifierTheFhirUserClaimNames() {
		callerWith("expert-osei", EXPERTS + "|expert-osei");

		Reference user = context.getAgentUserWho(new SystemRequestDetails());

		assertThat(user.getIdentifier().getSystem()).isEqualTo(EXPERTS);
		assertThat(user.getIdentifier().getValue()).isEqualTo("expert-osei");
		assertThat(user.getDisplay()).isEqualTo("expert-osei");
	}

	@Test
	void aSystemClientOrAFhirUserWithoutASystemIsTheClientAgain() {
		callerWith("st-elsewhere-ehr", null);
		assertThat(context.getAgentUserWho(new SystemRequestDetails()).getIdentifier().getSystem())
				.isEqualTo(TokenAuditContext.CLIENT_ID_SYSTEM);

		callerWith("st-elsewhere-ehr", "expert-osei");
		Reference user = context.getAgentUserWho(new SystemRequestDetails());
		assertThat(user.getIdentifier().getSystem()).isEqualTo(TokenAuditContext.CLIENT_ID_SYSTEM);
		assertThat(user.getIdentifier().getValue()).isEqualTo("st-elsewhere-ehr");
	}

	private static void callerWith(String clientId, String fhirUser) {
		Jwt.Builder token = Jwt.withTokenValue("token").header("alg", "RS384").claim("client_id", clientId);
		if (fhirUser != null) {
			token.claim("fhirUser", fhirUser);
		}
		SecurityContextHolder.getContext().setAuthentication(new JwtAuthenticationToken(token.build()));
	}
}

package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointPolicyTest {

	private final EndpointPolicy production = new EndpointPolicy(List.of("ehr.northgate.example.org", "*.lakeside.example.org"), false);
	private final EndpointPolicy development = new EndpointPolicy(List.of(), true);

	@Test
	void anHttpsEndpointOnAnAllowedHostIsAccepted() {
		assertThat(production.refusal("https://ehr.northgate.example.org/notify")).isEmpty();
		assertThat(production.refusal("https://EHR.Northgate.example.org:8443/notify")).isEmpty();
	}

	@Test
	void aWildcardAllowsSubdomainsButNotTheLookAlikes() {
		assertThat(production.refusal("https://fhir.lakeside.example.org/notify")).isEmpty();
		assertThat(production.refusal("https://a.b.lakeside.example.org/notify")).isEmpty();
		assertThat(production.refusal("https://lakeside.example.org/notify")).isPresent();
		assertThat(production.refusal("https://evil-lakeside.example.org/notify")).isPresent();
		assertThat(production.refusal("https://fhir.lakeside.example.org.attacker.net/notify")).isPresent();
	}

	@Test
	void plainHttpIsRefusedOutsideDevelopment() {
		assertThat(production.refusal("http://ehr.northgate.example.org/notify")).get().asString().contains("https");
		assertThat(production.refusal("http://localhost:8080/notify")).isPresent();
	}

	@Test
	void developmentAllowsLocalhostOnlyBesidesTheAllowedHosts() {
		assertThat(development.refusal("http://localhost:8080/notify")).isEmpty();
		assertThat(development.refusal("http://127.0.0.1:8080/notify")).isEmpty();
		assertThat(development.refusal("http://ehr.northgate.example.org/notify")).isPresent();
		assertThat(development.refusal("https://ehr.northgate.example.org/notify")).isPresent();
	}

	@Test
	void malformedEndpointsAndCredentialsInTheUrlAreRefused() {
		assertThat(production.refusal(null)).isPresent();
		assertThat(production.refusal("")).isPresent();
		assertThat(production.refusal("not a url")).isPresent();
		assertThat(production.refusal("/relative/path")).isPresent();
		assertThat(production.refusal("file:///etc/passwd")).isPresent();
		assertThat(production.refusal("https://user:pw@ehr.northgate.example.org/")).get().asString().contains("credentials");
	}
}

package org.example.secondopinion.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.validation.ValidatorResourceFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.hl7.fhir.utilities.OIDUtilities;
import org.junit.jupiter.api.Test;

/**
 * HAPI builds a new instance validator for every resource it validates, and each one parses the
 * 1.5 MB OID registry ({@code oidregistry.csv}) shipped in org.hl7.fhir.utilities: measured, that
 * was 46% of the server's CPU under case submissions. The registry is only consulted to decide
 * whether a {@code urn:oid:} URL resolves, and only when a resource fetcher is set; HAPI JPA's fetcher
 * answers "resolves" for every URL anyway. So the server ships an empty registry of the same name,
 * found first on the class path, and these tests fail if either premise stops holding.
 */
class OidRegistryShadowTest {

	@Test
	void theRegistryTheValidatorReadsIsOursAndEmpty() throws IOException {
		try (InputStream registry = OIDUtilities.class.getClassLoader().getResourceAsStream("oidregistry.csv")) {
			assertThat(registry).isNotNull();
			assertThat(new String(registry.readAllBytes())).hasLineCount(1).startsWith("Comp_OID,");
		}
		assertThat(new OIDUtilities().isKnownOID("urn:oid:2.16.840.1.113883.6.96")).isFalse();
	}

	@Test
	void hapisResourceFetcherResolvesEveryUrlSoTheRegistryDecidesNothing() throws IOException {
		ValidatorResourceFetcher fetcher = new ValidatorResourceFetcher(FhirContext.forR4Cached(), null, null);
		for (String url : List.of("urn:oid:2.16.840.1.113883.6.96", "urn:oid:1.2.3.4.5.6.7", "http://unknown.example.org/x")) {
			assertThat(fetcher.resolveURL(null, null, "Identifier.system", url, "uri", false, List.of()))
					.as(url)
					.isTrue();
		}
	}
}

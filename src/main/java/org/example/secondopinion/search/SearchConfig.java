package org.example.secondopinion.search;

import org.example.secondopinion.config.FhirServerExtension;
import org.example.secondopinion.config.FhirServerProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class SearchConfig {

	/** {@code second-opinion.fhir.offset-paging: false} restores HAPI's stored searches. */
	@Bean
	@ConditionalOnProperty(name = "second-opinion.fhir.offset-paging", havingValue = "true", matchIfMissing = true)
	public FhirServerExtension offsetPaging(FhirServerProperties properties) {
		return server -> server.registerInterceptor(new OffsetPaging(properties.maxPageSize()));
	}
}

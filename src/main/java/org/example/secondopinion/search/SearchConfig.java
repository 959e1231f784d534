package org.example.secondopinion.search;

import org.example.secondopinion.config.FhirServerExtension;
import org.example.secondopinion.config.FhirServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class SearchConfig {

	/** {@code second-opinion.fhir.offset-paging: false} leaves HAPI's stored searches in place. */
	@Bean
	public FhirServerExtension offsetPaging(FhirServerProperties properties) {
		return server -> {
			if (properties.offsetPaging()) {
				server.registerInterceptor(new OffsetPaging(properties.maxPageSize()));
			}
		};
	}
}

package org.example.secondopinion.idempotency;

import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class IdempotencyConfig {

	@Bean
	public FhirServerExtension retryConcurrentConditionalCreates(
			ConditionalCreateProperties properties) {
		return server -> server.registerInterceptor(new RetryConcurrentConditionalCreates(properties.maxRetries()));
	}
}

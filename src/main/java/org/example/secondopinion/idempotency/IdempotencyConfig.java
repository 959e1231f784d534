package org.example.secondopinion.idempotency;

import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class IdempotencyConfig {

	@Bean
	public FhirServerExtension retryConcurrentConditionalCreates(
			@Value("${second-opinion.conditional-create.max-retries:5}") int maxRetries) {
		return server -> server.registerInterceptor(new RetryConcurrentConditionalCreates(maxRetries));
	}
}

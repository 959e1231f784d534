package org.example.secondopinion.capability;

import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class CapabilityConfig {

	@Bean
	public FhirServerExtension capabilityStatementCompletion() {
		return server -> server.registerInterceptor(new CapabilityStatementCompletion());
	}
}

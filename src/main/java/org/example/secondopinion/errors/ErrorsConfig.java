package org.example.secondopinion.errors;

import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class ErrorsConfig {

	@Bean
	public FhirServerExtension actionableErrors() {
		return server -> server.registerInterceptor(new ActionableErrors());
	}
}

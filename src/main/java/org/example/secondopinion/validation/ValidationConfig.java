package org.example.secondopinion.validation;

import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class ValidationConfig {

	@Bean
	public FhirServerExtension validateOnWrite(CaseProfileValidator validator) {
		return server -> server.registerInterceptor(new ValidateOnWriteInterceptor(validator));
	}
}

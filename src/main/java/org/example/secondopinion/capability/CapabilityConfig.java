package org.example.secondopinion.capability;

import org.example.secondopinion.config.FhirServerExtension;
import org.example.secondopinion.security.SecurityProperties;
import org.example.secondopinion.security.SmartScopeAuthorization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class CapabilityConfig {

	/** Without authentication (development only) every operation may be run, so every one is listed. */
	@Bean
	public FhirServerExtension capabilityStatementCompletion(SecurityProperties security) {
		return server -> server.registerInterceptor(new CapabilityStatementCompletion(
				security.developmentWithoutAuthentication() ? (operation, type) -> true : SmartScopeAuthorization::someScopeMayCall));
	}
}

package org.example.secondopinion.monitoring;

import io.micrometer.core.instrument.MeterRegistry;
import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class MonitoringConfig {

	@Bean
	public FhirServerExtension fhirRequestMetrics(MeterRegistry registry) {
		return server -> server.registerInterceptor(new FhirRequestMetrics(registry));
	}
}

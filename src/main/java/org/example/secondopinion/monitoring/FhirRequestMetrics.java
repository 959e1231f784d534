package org.example.secondopinion.monitoring;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every FHIR request as {@code fhir.server.requests} (Prometheus:
 * {@code fhir_server_requests_seconds}), tagged by interaction, resource type and HTTP status.
 * HAPI's endpoint is a plain servlet, which Spring's own HTTP metrics do not see.
 */
@Interceptor
public class FhirRequestMetrics {

	private static final String STARTED = FhirRequestMetrics.class.getName() + ".started";

	private final MeterRegistry registry;

	public FhirRequestMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
	public boolean started(jakarta.servlet.http.HttpServletRequest request) {
		request.setAttribute(STARTED, System.nanoTime());
		return true;
	}

	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
	public void completed(RequestDetails request, ServletRequestDetails servletRequest) {
		Object started = servletRequest.getServletRequest().getAttribute(STARTED);
		if (!(started instanceof Long startNanos)) {
			return;
		}
		Timer.builder("fhir.server.requests")
				.description("FHIR requests served")
				.tag("interaction", request.getRestOperationType() == null ? "unknown" : request.getRestOperationType().getCode())
				.tag("type", request.getResourceName() == null ? "none" : request.getResourceName())
				.tag("status", String.valueOf(servletRequest.getServletResponse().getStatus()))
				.register(registry)
				.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
	}
}

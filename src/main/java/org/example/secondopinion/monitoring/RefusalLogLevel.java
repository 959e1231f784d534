package org.example.secondopinion.monitoring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.annotation.PostConstruct;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.stereotype.Component;

/**
 * HAPI logs every exception an interceptor throws at ERROR, with its stack trace. Our access and
 * workflow rules refuse requests by throwing from interceptors, so each refusal of a client's request
 * would be an ERROR in the operators' logs. This filter drops HAPI's line when the exception is a
 * client's refusal (an HTTP status below 500); the refusal itself is logged by the rule that made it
 * (at INFO) and recorded in the audit trail. An interceptor's real fault (500) is still logged at ERROR.
 */
@Component
public class RefusalLogLevel extends TurboFilter {

	private static final String INTERCEPTOR_LOGGER = BaseInterceptorService.class.getName();

	@PostConstruct
	void install() {
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
			context.addTurboFilter(this);
			start();
		}
	}

	@Override
	public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format,
			Object[] params, Throwable thrown) {
		if (level != Level.ERROR || !INTERCEPTOR_LOGGER.equals(logger.getName())) {
			return FilterReply.NEUTRAL;
		}
		Object last = params == null || params.length == 0 ? thrown : params[params.length - 1];
		return last instanceof BaseServerResponseException refusal && refusal.getStatusCode() < 500
				? FilterReply.DENY : FilterReply.NEUTRAL;
	}
}

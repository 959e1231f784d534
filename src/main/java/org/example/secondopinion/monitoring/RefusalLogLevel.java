package org.example.secondopinion.monitoring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.interceptor.executor.BaseInterceptorService;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.annotation.PostConstruct;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.stereotype.Component;

/**
 * Lines that would trip an operator's alarms for what the server handles as designed:
 * <ul>
 *   <li>HAPI logs every exception an interceptor throws at ERROR, with its stack trace. Our access and
 *       workflow rules refuse requests by throwing from interceptors, so each refusal of a client's request
 *       would be an ERROR. This filter drops HAPI's line when the exception is a client's refusal (an HTTP
 *       status below 500); the refusal itself is logged by the rule that made it (at INFO) and recorded in
 *       the audit trail. An interceptor's real fault (500) is still logged at ERROR.
 *   <li>Identical conditional creates arriving at once: all but one break the unique index of HAPI's match
 *       URLs ({@code HFJ_RES_SEARCH_URL}), which Hibernate logs at ERROR (with the match URL, which names a
 *       patient) before {@code RetryConcurrentConditionalCreates} retries the request. That index is
 *       written by conditional creates only, so its violation is always this race: logged at INFO instead,
 *       without the URL. Hibernate's WARN before each violation ({@code SQL Error: ..., SQLState: 23505})
 *       is dropped: it only announces the ERROR line, which the violation of any other index still gets.
 *   <li>{@code BinaryStorageInterceptor} warns "Received a null resource ... This is a bug" for each
 *       resource {@code ReadGuard} left out of an answer (outside the caller's reach): the guard runs first
 *       and empties the resource's place, which HAPI's interceptor does not expect; it skips the place, as
 *       it should.
 * </ul>
 */
@Component
public class RefusalLogLevel extends TurboFilter {

	private static final Logger log = LoggerFactory.getLogger(RefusalLogLevel.class);
	private static final String INTERCEPTOR_LOGGER = BaseInterceptorService.class.getName();
	private static final String SQL_LOGGER = "org.hibernate.engine.jdbc.spi.SqlExceptionHelper";
	private static final String MATCH_URL_INDEX = "HFJ_RES_SEARCH_URL";
	/** SQL state 23505, a unique violation, in H2 and PostgreSQL alike (their own error codes differ). */
	private static final String UNIQUE_VIOLATION_WARNING = "SQLState: 23505";
	private static final String BINARY_STORAGE_LOGGER = BinaryStorageInterceptor.class.getName();
	private static final String LEFT_OUT_RESOURCE = "Received a null resource during STORAGE_PRESHOW_RESOURCES";

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
		if (format == null && thrown == null) {
			return FilterReply.NEUTRAL;
		}
		String name = logger.getName();
		if (level == Level.ERROR && INTERCEPTOR_LOGGER.equals(name)) {
			Object last = params == null || params.length == 0 ? thrown : params[params.length - 1];
			return last instanceof BaseServerResponseException refusal && refusal.getStatusCode() < 500
					? FilterReply.DENY : FilterReply.NEUTRAL;
		}
		if (SQL_LOGGER.equals(name) && format != null) {
			if (level == Level.WARN && format.startsWith("SQL Error: ") && format.endsWith(UNIQUE_VIOLATION_WARNING)) {
				return FilterReply.DENY;
			}
			if (level == Level.ERROR && format.toUpperCase(Locale.ROOT).contains(MATCH_URL_INDEX)) {
				log.info("A conditional create met an identical one at the same moment (unique match URL); it is retried");
				return FilterReply.DENY;
			}
		}
		return level == Level.WARN && BINARY_STORAGE_LOGGER.equals(name) && format != null && format.startsWith(LEFT_OUT_RESOURCE)
				? FilterReply.DENY : FilterReply.NEUTRAL;
	}
}

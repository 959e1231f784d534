package org.example.secondopinion.security;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Errors Tomcat answers itself, before any filter or servlet runs (a malformed URL, an encoded slash,
 * a header too large), as an OperationOutcome instead of Tomcat's HTML page with its version.
 */
public class OperationOutcomeErrorPages extends ErrorReportValve {

	@Override
	protected void report(Request request, Response response, Throwable failure) {
		int status = response.getStatus();
		if (status < 400 || response.isCommitted() || response.getContentWritten() > 0) {
			return;
		}
		try {
			response.resetBuffer();
			OperationOutcomeResponses.write(request, response, status, status >= 500 ? IssueType.EXCEPTION : IssueType.INVALID,
					status >= 500 ? "The server could not process the request" : OperationOutcomeResponses.NOT_VALID_HTTP);
		} catch (IOException | IllegalStateException ignored) {
			// the client has gone or the response has started: nothing more to send
		}
	}
}

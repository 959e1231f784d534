package org.example.secondopinion.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

/** Every request HAPI refuses or fails (authorization denied, invalid, not found, server error) gets an AuditEvent. */
@Interceptor
public class FailedRequestAudit {

	private final AuditTrail trail;

	public FailedRequestAudit(AuditTrail trail) {
		this.trail = trail;
	}

	@Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
	public boolean recordFailure(RequestDetails request, BaseServerResponseException exception) {
		if (request instanceof ServletRequestDetails servlet) {
			trail.record(HttpAuditEvents.event(servlet.getServletRequest(), exception.getStatusCode(), exception.getMessage()));
		}
		return true; // HAPI answers as usual
	}
}

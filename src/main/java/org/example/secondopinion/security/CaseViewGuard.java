package org.example.secondopinion.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Role;
import org.example.secondopinion.config.InterceptorOrder;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The answer of {@code $case}, judged entry by entry before HAPI's authorization checks it. A REST-layer hook
 * ({@code SERVER_OUTGOING_RESPONSE}): it is registered on the FHIR server, not with the storage guards.
 */
@Interceptor(order = InterceptorOrder.READ_GUARD)
public class CaseViewGuard {

	private final CaseAccess access;

	public CaseViewGuard(CaseAccess access) {
		this.access = access;
	}

	/**
	 * {@code $case} gathers the case as the server, with the patient's whole clinical record: what the caller
	 * may not reach, or whose type its token does not read, is left out of the answer rather than refusing it
	 * whole (HAPI's authorization then checks what is left).
	 */
	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void caseViewOnlyReachable(RequestDetails request, ResponseDetails response) {
		if (request == null || !"$case".equals(request.getOperation()) || !(response.getResponseResource() instanceof Bundle bundle)) {
			return;
		}
		Actor actor = access.actor(request);
		if (actor.role() == Role.SERVER) {
			return;
		}
		bundle.getEntry().removeIf(entry -> entry.getResource() == null || !access.mayRead(actor, entry.getResource())
				|| !Caller.current().map(caller -> caller.may(entry.getResource().fhirType(), SmartScope.Permission.READ)).orElse(true));
	}
}

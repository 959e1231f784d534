package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Role;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Every resource HAPI returns to a caller (a read, a search page with its includes, a history,
 * {@code $everything}, a conditional reference's match) is asked of the policy: what the caller may not
 * reach is left out of lists, and a single read of it answers as for a missing id. Leaving out, rather than
 * refusing the whole answer, keeps one hospital's data from breaking another's searches.
 */
@Interceptor(order = InterceptorOrder.READ_GUARD)
public class ReadGuard {

	private final CaseAccess access;

	public ReadGuard(CaseAccess access) {
		this.access = access;
	}

	/** A single read of an unreachable resource answers as HAPI answers for a missing one. */
	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void readOnlyReachable(RequestDetails request, IPreResourceAccessDetails details) {
		if (!isSingleRead(request)) {
			return; // lists are judged once loaded (below): asking here would load them twice
		}
		Actor actor = access.actor(request);
		for (int i = 0; i < details.size(); i++) {
			IBaseResource resource = details.getResource(i);
			if (resource != null && !shown(actor, request, resource)) {
				throw CaseAccess.notFound(resource.getIdElement().withResourceType(resource.fhirType()));
			}
		}
	}

	/** Search pages, includes, histories, {@code $everything}: what is out of reach is left out. */
	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void showOnlyReachable(RequestDetails request, IPreResourceShowDetails details) {
		Actor actor = access.actor(request);
		for (int i = 0; i < details.size(); i++) {
			IBaseResource resource = details.getResource(i);
			if (resource != null && !shown(actor, request, resource)) {
				details.setResource(i, null);
			}
		}
	}

	private boolean shown(Actor actor, RequestDetails request, IBaseResource resource) {
		if (actor.role() == Role.SERVER) {
			return true;
		}
		boolean everything = request != null && "$everything".equals(request.getOperation());
		return access.mayRead(actor, resource)
				// $everything leaves out the types outside the caller's scopes instead of refusing the answer
				&& (!everything || Caller.current().map(caller -> caller.may(resource.fhirType(), SmartScope.Permission.READ)).orElse(true));
	}

	private static boolean isSingleRead(RequestDetails request) {
		RestOperationTypeEnum operation = request == null ? null : request.getRestOperationType();
		return operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD;
	}
}

package org.example.secondopinion.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Role;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Every resource HAPI loads for a caller, before it is returned (a read, a search page with its
 * includes, a history, {@code $everything}), is asked of the policy: what the caller may not reach is
 * left out of lists, and a single read of it answers as for a missing id. Leaving out, rather than
 * refusing the whole answer, keeps one hospital's data from breaking another's searches.
 */
@Interceptor(order = InterceptorOrder.READ_GUARD)
public class ReadGuard {

	private final CaseAccess access;

	public ReadGuard(CaseAccess access) {
		this.access = access;
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void onlyReachable(RequestDetails request, IPreResourceAccessDetails details) {
		Actor actor = access.actor(request);
		if (actor.role() == Role.SERVER) {
			return;
		}
		boolean everything = "$everything".equals(request.getOperation());
		for (int i = 0; i < details.size(); i++) {
			IBaseResource resource = details.getResource(i);
			if (resource == null) {
				continue;
			}
			boolean shown = access.mayRead(actor, resource)
					// $everything leaves out the types outside the caller's scopes instead of refusing the answer
					&& (!everything || Caller.current().map(caller -> caller.may(resource.fhirType(), SmartScope.Permission.READ)).orElse(true));
			if (!shown) {
				if (isSingleRead(request)) {
					throw CaseAccess.notFound(resource.getIdElement().withResourceType(resource.fhirType()));
				}
				details.setDontReturnResourceAtIndex(i);
			}
		}
	}

	private static boolean isSingleRead(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		return operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD;
	}
}

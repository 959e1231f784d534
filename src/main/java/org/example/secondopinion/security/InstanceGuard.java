package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Membership;
import org.example.secondopinion.access.ResourceKinds;
import org.example.secondopinion.access.Role;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * A request that names one resource ({@code [type]/[id]} with any interaction or operation: read, vread,
 * history, update, patch, delete, {@code $meta}, {@code $meta-add}, {@code $meta-delete}, {@code $case},
 * {@code $assign}...) is asked of the policy before HAPI acts on it. A resource outside the caller's
 * reach answers exactly as a missing one, and an operation the caller's role may not run (assigning a
 * case) changes nothing. Writes are judged again on storage ({@link WriteGuard}), where transaction
 * entries arrive too.
 */
@Interceptor(order = InterceptorOrder.INSTANCE_GUARD)
public class InstanceGuard {

	private static final Set<RestOperationTypeEnum> ON_ONE_RESOURCE = Set.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD, RestOperationTypeEnum.HISTORY_INSTANCE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE,
			RestOperationTypeEnum.META, RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE,
			RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, RestOperationTypeEnum.GET_PAGE);

	private static final Set<RestOperationTypeEnum> WRITES = Set.of(
			RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH);

	private final CaseAccess access;

	public InstanceGuard(CaseAccess access) {
		this.access = access;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void onlyWithinReach(RequestDetails request, RestOperationTypeEnum operation) {
		if (operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE) {
			access.enforce(access.policy().typeOperation(access.actor(request), request.getOperation()), null);
			return;
		}
		if (operation == RestOperationTypeEnum.TRANSACTION && request.getResource() instanceof Bundle bundle) {
			if (bundle.getType() == Bundle.BundleType.TRANSACTION) {
				entriesKept(bundle); // a batch's entries are answered one by one, on storage (WriteGuard)
			}
			entriesWithinReach(request, bundle);
			return;
		}
		if (WRITES.contains(operation) && request.getResourceName() != null) {
			access.enforce(access.policy().kept(request.getResourceName()), null);
		}
		if (!ON_ONE_RESOURCE.contains(operation) || request.getId() == null || !request.getId().hasIdPart()
				|| request.getResourceName() == null) {
			return;
		}
		check(request, operation, new IdType(request.getResourceName(), request.getId().getIdPart()));
	}

	/**
	 * A transaction holding a type the server does not keep is refused whole, before the scopes are looked at: the answer says
	 * why rather than which scope would be needed (no scope is).
	 */
	private void entriesKept(Bundle bundle) {
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			String url = entry.getRequest().getUrl();
			String type = entry.hasResource() ? entry.getResource().fhirType()
					: url == null ? null : new IdType(url.contains("?") ? url.substring(0, url.indexOf('?')) : url).getResourceType();
			access.enforce(access.policy().kept(type), null);
		}
	}

	/**
	 * The entries of a transaction or batch that change one named resource ({@code PUT}, {@code PATCH},
	 * {@code DELETE} of {@code [type]/[id]}) are checked as the same requests made alone would be, so that
	 * an entry on a missing id and one on an unreachable id fail the same way. (Read entries are checked
	 * one by one as HAPI handles them.)
	 */
	private void entriesWithinReach(RequestDetails request, Bundle bundle) {
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			Bundle.HTTPVerb method = entry.getRequest().getMethod();
			String url = entry.getRequest().getUrl();
			if (method == null || url == null
					|| (method != Bundle.HTTPVerb.PUT && method != Bundle.HTTPVerb.PATCH && method != Bundle.HTTPVerb.DELETE)) {
				continue;
			}
			// HAPI takes the id of "Patient/1?anything" as Patient/1: so does this check
			IdType id = new IdType(url.contains("?") ? url.substring(0, url.indexOf('?')) : url);
			if (id.hasResourceType() && id.hasIdPart()) {
				check(request, RestOperationTypeEnum.UPDATE, new IdType(id.getResourceType(), id.getIdPart()));
			}
		}
	}

	private void check(RequestDetails request, RestOperationTypeEnum operation, IIdType id) {
		Actor actor = access.actor(request);
		if (actor.role() == Role.SERVER) {
			return;
		}
		IBaseResource stored = access.stored(id).orElse(null);
		if (stored == null) {
			if (actor.role().isConfined()) {
				// HAPI's answers for a missing id differ by interaction (a delete of one succeeds); a confined
				// caller gets one answer, the same as for a resource outside its reach
				throw CaseAccess.notFound(id);
			}
			return;
		}
		Membership target = access.membership(stored);
		if (operation == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE) {
			access.enforce(access.policy().operation(actor, request.getOperation(), target), id);
		} else if (ResourceKinds.of(target.type()) != Membership.Kind.DIRECTORY) {
			access.enforce(access.policy().read(actor, target), id);
		}
	}

	/** The history of a whole type or of the server would list what a confined caller cannot reach. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void historyOfOneResourceOnly(RequestDetails request, RestOperationTypeEnum operation) {
		if (operation == RestOperationTypeEnum.HISTORY_TYPE || operation == RestOperationTypeEnum.HISTORY_SYSTEM) {
			access.enforce(access.policy().historyBeyondOneResource(access.actor(request)), null);
		}
	}
}

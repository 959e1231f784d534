package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Role;
import org.hl7.fhir.r4.model.Bundle;

/**
 * An EHR's conditional writes ({@code If-None-Exist}, {@code PUT/PATCH/DELETE [type]?...}, and the same in
 * transaction and batch entries) carry its organisation's label in their match URL. {@link SearchGuard}
 * already narrows the match itself; the URL must say so too, because HAPI keeps each conditional create's
 * URL as a unique key against duplicate retries, and two hospitals using the same identifier must not
 * collide on it (the loser would learn that the other holds a resource with that identifier).
 */
@Interceptor(order = InterceptorOrder.INSTANCE_GUARD)
public class ConditionalUrlNarrowing {

	private final CaseAccess access;

	public ConditionalUrlNarrowing(CaseAccess access) {
		this.access = access;
	}

	/** A transaction's or batch's entries, once its body is parsed. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void narrowEntries(RequestDetails request) {
		Actor actor = access.actor(request);
		if (actor.role() != Role.EHR) {
			return;
		}
		String narrowing = narrowing(actor);
		if (request.getResource() instanceof Bundle bundle) {
			for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
				Bundle.BundleEntryRequestComponent entryRequest = entry.getRequest();
				if (!isCaseData(entry.hasResource() ? entry.getResource().fhirType() : typeOf(entryRequest.getUrl()))) {
					continue; // the directory is shared: its conditional writes match everyone's
				}
				if (entryRequest.hasIfNoneExist()) {
					entryRequest.setIfNoneExist(entryRequest.getIfNoneExist() + "&" + narrowing);
				}
				boolean conditional = entryRequest.hasUrl() && entryRequest.getUrl().contains("?")
						&& entryRequest.getMethod() != null && entryRequest.getMethod() != Bundle.HTTPVerb.GET
						&& entryRequest.getMethod() != Bundle.HTTPVerb.POST;
				if (conditional) {
					entryRequest.setUrl(entryRequest.getUrl() + "&" + narrowing);
				}
			}
		}
	}

	/** A REST conditional write: before HAPI reads its conditional URL into the method's parameters. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void narrowConditionalUrl(RequestDetails request) {
		Actor actor = access.actor(request);
		RestOperationTypeEnum operation = request.getRestOperationType();
		if (actor.role() != Role.EHR || operation == null) {
			return;
		}
		String narrowing = narrowing(actor);
		String conditionalUrl = switch (operation) {
			case CREATE, UPDATE, PATCH, DELETE -> request.getConditionalUrl(operation);
			default -> null;
		};
		if (conditionalUrl != null && !conditionalUrl.isBlank() && isCaseData(request.getResourceName())) {
			if (operation == RestOperationTypeEnum.CREATE) {
				request.setHeaders(Constants.HEADER_IF_NONE_EXIST, java.util.List.of(conditionalUrl + "&" + narrowing));
			} else {
				request.setFixedConditionalUrl(conditionalUrl + "&" + narrowing);
			}
		}
	}

	private static String narrowing(Actor actor) {
		return "_security=" + URLEncoder.encode(
				OrganisationLabels.searchValue(actor.organisationIfKnown().orElse("none")), StandardCharsets.UTF_8);
	}

	private static boolean isCaseData(String type) {
		return type != null && OrganisationLabels.isLabelled(type);
	}

	private static String typeOf(String url) {
		if (url == null) {
			return null;
		}
		int end = url.indexOf('?');
		String path = end < 0 ? url : url.substring(0, end);
		return path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
	}
}

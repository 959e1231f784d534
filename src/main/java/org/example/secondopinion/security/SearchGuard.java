package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.SearchContainedModeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.ResourceKinds;
import org.example.secondopinion.access.Role;
import org.example.secondopinion.access.SearchFeature;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;

/**
 * Every search HAPI's storage runs for a caller passes here: a REST search, a search inside a batch or
 * transaction, the match of a conditional create, update, patch or delete, {@code $everything}. The
 * policy decides whether its criteria are allowed ({@code _has}, chains from the directory...), and a
 * confined caller's search of case data is narrowed to the organisations it reaches: an EHR's to its own,
 * an expert's to those of the cases assigned to them (HAPI's search narrowing then narrows an expert's
 * further, to those cases' patients). So a conditional write never matches, reveals or touches another
 * organisation's resource, and a count never counts one.
 */
@Interceptor(order = InterceptorOrder.SEARCH_GUARD)
public class SearchGuard {

	private final CaseAccess access;

	public SearchGuard(CaseAccess access) {
		this.access = access;
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void checkAndNarrow(RequestDetails request, SearchParameterMap search, ICachedSearchDetails details) {
		Actor actor = access.actor(request);
		if (actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR) {
			return;
		}
		String type = details.getResourceType();
		access.enforce(access.policy().search(actor, type, featuresOf(search)), null);
		if (ResourceKinds.of(type) != org.example.secondopinion.access.Membership.Kind.CASE_DATA || !actor.role().isConfined()) {
			return;
		}
		Collection<String> organisations = actor.role() == Role.EHR
				? actor.organisationIfKnown().map(Set::of).orElse(Set.of())
				: actor.assignment().organisations();
		TokenOrListParam labels = new TokenOrListParam();
		organisations.forEach(organisation -> labels.add(new TokenParam(OrganisationLabels.SYSTEM, organisation)));
		if (organisations.isEmpty()) {
			labels.add(new TokenParam(OrganisationLabels.SYSTEM, "none")); // reaches nothing: finds nothing
		}
		search.add("_security", labels);
	}

	/**
	 * HAPI keys its search cache before the narrowing above is added: a confined caller's search is never
	 * answered from another caller's cached result (the cache is off today; this keeps it safe if it is turned on).
	 */
	@Hook(Pointcut.STORAGE_PRECHECK_FOR_CACHED_SEARCH)
	public boolean noCachedResultsAcrossCallers(RequestDetails request) {
		Actor actor = access.actor(request);
		return actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR;
	}

	static Set<SearchFeature> featuresOf(SearchParameterMap search) {
		Set<SearchFeature> features = EnumSet.noneOf(SearchFeature.class);
		if (search.containsKey("_has")) {
			features.add(SearchFeature.REVERSE_CHAIN);
		}
		if (search.containsKey("_filter")) {
			features.add(SearchFeature.FILTER);
		}
		if (search.getSearchContainedMode() != null && search.getSearchContainedMode() != SearchContainedModeEnum.FALSE) {
			features.add(SearchFeature.CONTAINED);
		}
		boolean chained = search.values().stream().flatMap(List::stream).flatMap(List::stream)
				.anyMatch(SearchGuard::isChain);
		if (chained) {
			features.add(SearchFeature.CHAIN);
		}
		return features;
	}

	private static boolean isChain(IQueryParameterType parameter) {
		return parameter instanceof ReferenceParam reference && reference.getChain() != null && !reference.getChain().isBlank();
	}
}

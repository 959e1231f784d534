package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves a conditional reference ({@code Patient?identifier=...}) to the one resource it names, as HAPI's
 * own resolution does: a search made for the request's caller (so narrowed), keeping the matches the caller
 * may read; nothing when none or several are left. Each reference is looked up once per request.
 */
class ConditionalReferences {

	private static final String CACHE = ConditionalReferences.class.getName();
	/** A reference matching more is ambiguous whatever the caller may read: HAPI refuses it. */
	private static final int MAX_MATCHES = 20;

	private final FhirContext fhirContext;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;
	private final CaseAccess access;

	ConditionalReferences(FhirContext fhirContext, DaoRegistry daos, MatchUrlService matchUrls, CaseAccess access) {
		this.fhirContext = fhirContext;
		this.daos = daos;
		this.matchUrls = matchUrls;
		this.access = access;
	}

	@SuppressWarnings("unchecked")
	Optional<String> resolve(String reference, RequestDetails request) {
		Map<String, Optional<String>> cache = (Map<String, Optional<String>>) request.getUserData()
				.computeIfAbsent(CACHE, key -> new HashMap<>());
		return cache.computeIfAbsent(reference, key -> lookUp(key, request));
	}

	private Optional<String> lookUp(String reference, RequestDetails request) {
		String type = reference.substring(0, reference.indexOf('?'));
		if (!fhirContext.getResourceTypes().contains(type)) {
			return Optional.empty();
		}
		try {
			var search = matchUrls.translateMatchUrl(reference, fhirContext.getResourceDefinition(type));
			search.setLoadSynchronousUpTo(MAX_MATCHES);
			var dao = daos.getResourceDao(type);
			// the caller's search (narrowed), then only the matches it may read, as HAPI's own resolution filters them
			List<IResourcePersistentId> found = dao.searchForIds(search, request);
			var actor = access.actor(request);
			List<String> readable = found.stream().map(dao::readByPid)
					.filter(resource -> access.mayRead(actor, resource))
					.map(resource -> resource.getIdElement().toUnqualifiedVersionless().withResourceType(type).getValue())
					.toList();
			return readable.size() == 1 ? Optional.of(readable.get(0)) : Optional.empty();
		} catch (BaseServerResponseException | IllegalArgumentException e) {
			return Optional.empty();
		}
	}
}

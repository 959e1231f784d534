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
 * Resolves a conditional reference ({@code Patient?identifier=...}) to the one resource it names, with a
 * search made for the request's caller (so narrowed as HAPI's own resolution of it was); nothing when it
 * matches none or several. Each reference is looked up once per request.
 */
class ConditionalReferences {

	private static final String CACHE = ConditionalReferences.class.getName();

	private final FhirContext fhirContext;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;

	ConditionalReferences(FhirContext fhirContext, DaoRegistry daos, MatchUrlService matchUrls) {
		this.fhirContext = fhirContext;
		this.daos = daos;
		this.matchUrls = matchUrls;
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
			search.setLoadSynchronousUpTo(2);
			var dao = daos.getResourceDao(type);
			// ids only: the match is the caller's search (narrowed), the resource is read as the server
			List<IResourcePersistentId> found = dao.searchForIds(search, request);
			return found.size() != 1 ? Optional.empty()
					: Optional.of(dao.readByPid(found.get(0)).getIdElement().toUnqualifiedVersionless().withResourceType(type).getValue());
		} catch (BaseServerResponseException | IllegalArgumentException e) {
			return Optional.empty();
		}
	}
}

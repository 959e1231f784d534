package org.example.secondopinion.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Finds what a reference of a resource being written names, before HAPI has resolved it: an entry of
 * the same bundle ({@code urn:uuid:}), the one stored resource a conditional reference matches, or a
 * stored resource by its id. Read as the server, since the answer decides which profile applies, not
 * what the caller may see (the access policy judges that).
 */
@Component
public class ReferencedResources {

	/** A conditional reference matching more than one resource names none. */
	private static final int AMBIGUOUS = 2;

	private final FhirContext fhirContext;
	private final DaoRegistry daos;
	private final MatchUrlService matchUrls;

	public ReferencedResources(FhirContext fhirContext, DaoRegistry daos, MatchUrlService matchUrls) {
		this.fhirContext = fhirContext;
		this.daos = daos;
		this.matchUrls = matchUrls;
	}

	/** @param bundleEntries fullUrl → resource of each entry of the bundle being processed (empty when none) */
	public Function<Reference, Optional<? extends IBaseResource>> resolver(Map<String, IBaseResource> bundleEntries) {
		return reference -> {
			if (reference.getResource() != null) {
				return Optional.of(reference.getResource());
			}
			String value = reference.getReference();
			if (value == null || value.isBlank() || value.startsWith("#")) {
				return Optional.empty();
			}
			if (bundleEntries.containsKey(value)) {
				return Optional.of(bundleEntries.get(value));
			}
			return value.contains("?") ? matchOf(value) : stored(new IdType(value));
		};
	}

	private Optional<IBaseResource> matchOf(String conditional) {
		String type = conditional.substring(0, conditional.indexOf('?'));
		if (!fhirContext.getResourceTypes().contains(type) || !daos.isResourceTypeSupported(type)) {
			return Optional.empty();
		}
		try {
			var search = matchUrls.translateMatchUrl(conditional, fhirContext.getResourceDefinition(type));
			search.setLoadSynchronousUpTo(AMBIGUOUS);
			var dao = daos.getResourceDao(type);
			List<IBaseResource> found = dao.search(search, new SystemRequestDetails()).getAllResources();
			return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
		} catch (BaseServerResponseException | IllegalArgumentException e) {
			return Optional.empty();
		}
	}

	private Optional<IBaseResource> stored(IdType id) {
		if (!id.hasResourceType() || !id.hasIdPart() || id.isAbsolute() || !daos.isResourceTypeSupported(id.getResourceType())) {
			return Optional.empty();
		}
		try {
			return Optional.of(daos.getResourceDao(id.getResourceType()).read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (BaseServerResponseException e) {
			return Optional.empty();
		}
	}
}

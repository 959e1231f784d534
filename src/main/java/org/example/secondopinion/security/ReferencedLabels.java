package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;

/**
 * The organisations a resource belongs to through what it refers to: an opinion, a question or a Task
 * written by an expert, a coordinator or the server belongs to the organisation whose request or
 * patient it is about. References count in every form a write may hold them: {@code Type/id}, a
 * conditional reference ({@code Type?identifier=...}) and a {@code urn:uuid:} naming another entry of
 * the same transaction. Each target is looked up once per request.
 */
class ReferencedLabels {

	private static final String CACHE = ReferencedLabels.class.getName();
	private static final int MAX_DEPTH = 2;

	private final FhirContext fhirContext;
	private final DaoRegistry daos;
	private final ConditionalReferences conditionalReferences;

	ReferencedLabels(FhirContext fhirContext, DaoRegistry daos, ConditionalReferences conditionalReferences) {
		this.fhirContext = fhirContext;
		this.daos = daos;
		this.conditionalReferences = conditionalReferences;
	}

	Set<String> of(IBaseResource resource, RequestDetails request) {
		return of(resource, request, 0);
	}

	/** The organisations of the resource a resolved reference names, e.g. {@code Patient/123}. */
	Set<String> ofTarget(IIdType target, RequestDetails request) {
		return lookedUp(target.toUnqualifiedVersionless().getValue(), request, MAX_DEPTH);
	}

	private Set<String> of(IBaseResource resource, RequestDetails request, int depth) {
		Set<String> organisations = new TreeSet<>();
		fhirContext.newTerser().getAllResourceReferences(resource).stream()
				.map(info -> info.getResourceReference().getReferenceElement().getValue())
				.filter(reference -> reference != null && !reference.startsWith("#"))
				.forEach(reference -> organisations.addAll(lookedUp(reference, request, depth)));
		return organisations;
	}

	@SuppressWarnings("unchecked")
	private Set<String> lookedUp(String reference, RequestDetails request, int depth) {
		Map<String, Set<String>> cache = request == null ? new HashMap<>()
				: (Map<String, Set<String>>) request.getUserData().computeIfAbsent(CACHE, key -> new HashMap<>());
		Set<String> known = cache.get(reference);
		if (known == null) {
			known = resolve(reference, request, depth);
			cache.put(reference, known);
		}
		return known;
	}

	private Set<String> resolve(String reference, RequestDetails request, int depth) {
		try {
			if (reference.startsWith("urn:")) {
				return entryOfTransaction(reference, request)
						.map(entry -> {
							Set<String> labels = OrganisationLabels.of(entry);
							return labels.isEmpty() && depth < MAX_DEPTH && OrganisationLabels.isLabelled(entry.fhirType())
									? of(entry, request, depth + 1) : labels;
						})
						.orElse(Set.of());
			}
			if (reference.contains("?")) {
				String type = reference.substring(0, reference.indexOf('?'));
				if (!OrganisationLabels.isLabelled(type)) {
					return Set.of();
				}
				// resolved as HAPI resolves it for the writer (narrowed to what the writer reaches)
				return conditionalReferences.resolve(reference, request == null ? new SystemRequestDetails() : request)
						.map(id -> lookedUp(id, request, depth))
						.orElse(Set.of());
			}
			IdType id = new IdType(reference);
			if (id.isAbsolute() || !id.hasResourceType() || !id.hasIdPart()
					|| !fhirContext.getResourceTypes().contains(id.getResourceType())
					|| !OrganisationLabels.isLabelled(id.getResourceType())) {
				return Set.of();
			}
			return OrganisationLabels.of(daos.getResourceDao(id.getResourceType())
					.read(id.toUnqualifiedVersionless(), new SystemRequestDetails(), true));
		} catch (BaseServerResponseException | IllegalArgumentException e) {
			// a target that does not exist (or is deleted) gives nothing; HAPI refuses a dangling reference itself
			return Set.of();
		}
	}

	private static java.util.Optional<IBaseResource> entryOfTransaction(String fullUrl, RequestDetails request) {
		if (request == null || !(request.getResource() instanceof Bundle bundle)) {
			return java.util.Optional.empty();
		}
		return bundle.getEntry().stream()
				.filter(entry -> fullUrl.equals(entry.getFullUrl()) && entry.hasResource())
				.map(entry -> (IBaseResource) entry.getResource())
				.findFirst();
	}
}

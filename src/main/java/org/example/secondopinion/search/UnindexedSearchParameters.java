package org.example.secondopinion.search;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * Built-in search parameters this server does not index. HAPI indexes every search parameter of every
 * stored resource, and the audit trail is most of what is stored: about ten AuditEvents per case, each
 * with some twenty index rows, half of them for parameters nobody searches the trail by (the network
 * address, entity types and roles, agent roles, policy, site). Measured with 360 plain cases, the
 * database was 72 MB instead of 101 MB without those rows.
 *
 * <p>HAPI's way to switch a built-in parameter off is a stored SearchParameter with the same url and
 * status {@code retired}; the server stores these with its implementation guide, at start-up. A search by
 * one of them answers 400, and the CapabilityStatement no longer lists it. Searches the docs (docs/api.md) document
 * ({@code altid}, {@code outcome}, {@code patient}, {@code entity}, {@code entity-name}, {@code date},
 * {@code subtype}, ...) are kept.
 */
public final class UnindexedSearchParameters {

	static final Map<String, List<String>> UNINDEXED = Map.of(
			"AuditEvent", List.of("address", "agent-name", "agent-role", "entity-role", "entity-type", "policy", "site"));

	private UnindexedSearchParameters() {}

	/** A retired SearchParameter for each built-in parameter in {@link #UNINDEXED}, made from HAPI's own definition. */
	public static List<SearchParameter> retired(FhirContext fhirContext) {
		return UNINDEXED.entrySet().stream()
				.flatMap(type -> type.getValue().stream().map(code -> retired(fhirContext, type.getKey(), code)))
				.toList();
	}

	private static SearchParameter retired(FhirContext fhirContext, String resourceType, String code) {
		RuntimeSearchParam builtIn = fhirContext.getResourceDefinition(resourceType).getSearchParam(code);
		if (builtIn == null) {
			throw new IllegalStateException("No built-in search parameter " + resourceType + "." + code);
		}
		SearchParameter retired = new SearchParameter();
		retired.setId("unindexed-" + resourceType + "-" + code);
		retired.setUrl(builtIn.getUri());
		retired.setName(code);
		retired.setCode(code);
		retired.addBase(resourceType);
		retired.setType(SearchParamType.fromCode(builtIn.getParamType().getCode()));
		retired.setExpression(builtIn.getPath());
		retired.setStatus(PublicationStatus.RETIRED);
		retired.setDescription("Not indexed by this server (retired here, so that HAPI does not index it).");
		return retired;
	}
}

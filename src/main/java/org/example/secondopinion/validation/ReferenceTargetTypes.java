package org.example.secondopinion.validation;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

/**
 * Works out the resource type a reference points to: from {@code Reference.type}, from the
 * reference itself ({@code Patient/1}, {@code ServiceRequest?identifier=...}, an absolute URL), or,
 * for the {@code urn:uuid:} references inside a transaction, from the bundle entry it names.
 */
public final class ReferenceTargetTypes implements Function<Reference, Optional<String>> {

	private final Map<String, String> bundleEntryTypes;

	/** @param bundleEntryTypes fullUrl → resource type of each entry of the bundle being processed */
	public ReferenceTargetTypes(Map<String, String> bundleEntryTypes) {
		this.bundleEntryTypes = bundleEntryTypes;
	}

	@Override
	public Optional<String> apply(Reference reference) {
		if (reference.getResource() != null) {
			return Optional.of(reference.getResource().fhirType());
		}
		if (reference.hasType()) {
			return Optional.of(reference.getType());
		}
		String value = reference.getReference();
		if (value == null || value.isBlank() || value.startsWith("#")) {
			return Optional.empty();
		}
		if (bundleEntryTypes.containsKey(value)) {
			return Optional.of(bundleEntryTypes.get(value));
		}
		if (value.startsWith("urn:")) {
			return Optional.empty();
		}
		int query = value.indexOf('?');
		if (query > 0) {
			return Optional.of(value.substring(0, query));
		}
		return Optional.ofNullable(new IdType(value).getResourceType());
	}
}

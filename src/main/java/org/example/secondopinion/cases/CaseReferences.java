package org.example.secondopinion.cases;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Reference;

/** Finds the case a resource belongs to: the first local ServiceRequest among its references. */
final class CaseReferences {

	private CaseReferences() {}

	static Optional<IIdType> requestIn(List<Reference> references) {
		return references.stream()
				.map(Reference::getReferenceElement)
				.filter(id -> "ServiceRequest".equals(id.getResourceType()) && id.hasIdPart())
				.map(IIdType::toUnqualifiedVersionless)
				.findFirst();
	}
}

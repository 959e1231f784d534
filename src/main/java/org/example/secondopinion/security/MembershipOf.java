package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.Set;
import java.util.TreeSet;
import org.example.secondopinion.access.Membership;
import org.example.secondopinion.access.ResourceKinds;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Computes a stored or written resource's {@link Membership}: its organisation labels, and the parts of a
 * case it hangs from (itself when it is a Patient, ServiceRequest, Task or Binary; the ServiceRequests it
 * refers to; the patients whose compartment it is in). Every access decision uses this one computation.
 */
public class MembershipOf {

	private static final Set<String> CASE_PARTS = Set.of("Patient", "ServiceRequest", "Task", "Binary");

	private final FhirContext fhirContext;

	public MembershipOf(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	public Membership of(IBaseResource resource) {
		String type = resource.fhirType();
		String id = resource.getIdElement().hasIdPart() ? relative(resource.getIdElement().withResourceType(type)) : "";
		Membership.Kind kind = ResourceKinds.of(type);
		if (kind != Membership.Kind.CASE_DATA) {
			return new Membership(type, id, kind, Set.of(), Set.of());
		}
		Set<String> anchors = new TreeSet<>();
		if (CASE_PARTS.contains(type) && !id.isEmpty()) {
			anchors.add(id);
		}
		FhirTerser terser = fhirContext.newTerser();
		terser.getAllResourceReferences(resource).stream()
				.map(info -> info.getResourceReference().getReferenceElement())
				.filter(reference -> "ServiceRequest".equals(reference.getResourceType()) && reference.hasIdPart()
						&& !reference.isAbsolute() && !reference.getValue().contains("?"))
				.forEach(reference -> anchors.add(relative(reference)));
		if (!"Patient".equals(type)) {
			terser.getCompartmentOwnersForResource("Patient", resource, Set.of()).stream()
					.filter(owner -> "Patient".equals(owner.getResourceType()) && owner.hasIdPart() && !owner.isAbsolute()
							&& !owner.getValue().contains("?"))
					.forEach(owner -> anchors.add(relative(owner)));
		}
		return new Membership(type, id, kind, OrganisationLabels.of(resource), anchors);
	}

	private static String relative(IIdType id) {
		return id.toUnqualifiedVersionless().getValue();
	}
}

package org.example.secondopinion.security;

import java.util.Collection;
import org.example.secondopinion.access.Membership;
import org.example.secondopinion.access.ResourceKinds;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The security label that says which referring organisation a resource of a case belongs to:
 * {@code meta.security} with our system and the organisation's identifier ({@code system|value}, as in
 * the EHR token's {@code organization} claim) as the code. The server sets it when the resource is
 * stored and keeps it on every later version; clients cannot set or change it.
 *
 * <p>Shared resources (the expert directory, conformance resources) carry no label: every caller with
 * a scope for them may use them. AuditEvents carry none either: they are the server's own records.
 */
public final class OrganisationLabels {

	public static final String SYSTEM = "https://second-opinion.example.org/fhir/CodeSystem/referring-organization";

	private OrganisationLabels() {
	}

	/** Whether the type is shared by everyone rather than part of some organisation's cases. */
	public static boolean isShared(String resourceType) {
		return ResourceKinds.isDirectory(resourceType);
	}

	/** Whether resources of the type carry the label: everything but the shared types and the audit trail. */
	public static boolean isLabelled(String resourceType) {
		return ResourceKinds.of(resourceType) == Membership.Kind.CASE_DATA;
	}

	/** The organisations the resource is labelled with. */
	public static Set<String> of(IBaseResource resource) {
		Set<String> organisations = new TreeSet<>();
		for (IBaseCoding label : resource.getMeta().getSecurity()) {
			if (SYSTEM.equals(label.getSystem()) && label.getCode() != null) {
				organisations.add(label.getCode());
			}
		}
		return organisations;
	}

	/** Replaces the resource's organisation labels (and only those) with the given ones. */
	public static void set(IBaseResource resource, Collection<String> organisations) {
		resource.getMeta().getSecurity().removeIf(label -> SYSTEM.equals(label.getSystem()));
		organisations.forEach(organisation -> resource.getMeta().addSecurity().setSystem(SYSTEM).setCode(organisation));
	}

	/** The value of a {@code _security} search parameter (token syntax, its bars and commas escaped). */
	public static String searchValue(String organisation) {
		return SYSTEM + "|" + organisation.replace("\\", "\\\\").replace("|", "\\|").replace(",", "\\,").replace("$", "\\$");
	}
}

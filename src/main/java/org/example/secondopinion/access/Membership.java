package org.example.secondopinion.access;

import java.util.Set;

/**
 * What a resource belongs to, the one definition every access decision uses.
 *
 * @param type          its resource type
 * @param id            its relative id ({@code Patient/123}); empty before it is stored
 * @param kind          case data, the shared directory, or the audit trail
 * @param organisations the referring organisations it is labelled with (case data only)
 * @param anchors       the parts of a case it hangs from: itself when it is a Patient, ServiceRequest, Task
 *                      or Binary; the ServiceRequests it refers to; the patients whose compartment it is in
 */
public record Membership(String type, String id, Kind kind, Set<String> organisations, Set<String> anchors) {

	public enum Kind {
		/** Labelled with the organisation whose case it is part of. */
		CASE_DATA,
		/** Shared by everyone: the expert directory, conformance resources, subscription topics. */
		DIRECTORY,
		/** The server's own record of who did what. */
		AUDIT_TRAIL
	}

	public Membership {
		organisations = Set.copyOf(organisations);
		anchors = Set.copyOf(anchors);
	}

	public static Membership directory(String type, String id) {
		return new Membership(type, id, Kind.DIRECTORY, Set.of(), Set.of());
	}

	public static Membership auditTrail(String id) {
		return new Membership("AuditEvent", id, Kind.AUDIT_TRAIL, Set.of(), Set.of());
	}
}

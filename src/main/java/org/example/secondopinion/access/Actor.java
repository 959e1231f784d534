package org.example.secondopinion.access;

import java.util.Optional;

/**
 * Who asks the policy.
 *
 * @param role         what they act as
 * @param organisation an EHR's organisation ({@code system|value}); null for other roles, and for an EHR
 *                     whose token names none (it then reaches nothing)
 * @param patient      a patient's own Patient ({@code Patient/123}); null when not known (reaches nothing)
 * @param assignment   an expert's cases; {@link Assignment#NONE} for other roles
 */
public record Actor(Role role, String organisation, String patient, Assignment assignment) {

	public static Actor ehr(String organisation) {
		return new Actor(Role.EHR, organisation, null, Assignment.NONE);
	}

	public static Actor expert(Assignment assignment) {
		return new Actor(Role.EXPERT, null, null, assignment);
	}

	public static Actor coordinator() {
		return new Actor(Role.COORDINATOR, null, null, Assignment.NONE);
	}

	public static Actor patient(String patient) {
		return new Actor(Role.PATIENT, null, patient, Assignment.NONE);
	}

	public static Actor server() {
		return new Actor(Role.SERVER, null, null, Assignment.NONE);
	}

	public Optional<String> organisationIfKnown() {
		return Optional.ofNullable(organisation);
	}
}

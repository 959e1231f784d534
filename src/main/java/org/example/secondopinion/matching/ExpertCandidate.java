package org.example.secondopinion.matching;

import java.util.List;
import java.util.Set;

/**
 * An expert as the directory (PractitionerRole) describes them, with their current workload.
 *
 * @param practitionerRoleRef the reference Task.owner will hold
 * @param specialtyCodes      PractitionerRole.specialty codes (so-codes, as in {@link WantedSpecialties})
 * @param active              PractitionerRole.active
 * @param notAvailable        PractitionerRole.notAvailable periods
 * @param openCases           cases assigned to the expert that are not closed
 */
public record ExpertCandidate(
		String practitionerRoleRef,
		String name,
		Set<String> specialtyCodes,
		boolean active,
		List<Period> notAvailable,
		int openCases) {

	public ExpertCandidate {
		specialtyCodes = specialtyCodes == null ? Set.of() : Set.copyOf(specialtyCodes);
		notAvailable = notAvailable == null ? List.of() : List.copyOf(notAvailable);
	}
}

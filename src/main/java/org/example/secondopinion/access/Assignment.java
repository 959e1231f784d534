package org.example.secondopinion.access;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The cases assigned to an expert, as the policy needs them.
 *
 * @param anchors       the Tasks the expert owns, the requests they fulfil and those requests' patients
 * @param organisations the organisations that referred those cases
 * @param pointedTo     what the cases point to beside their patients and requests: whatever the requests list
 *                      in supportingInfo (a structured record, a patient summary Bundle), the stored files
 *                      ({@code Binary/...}) of the patients' records, the medications their prescriptions
 *                      name; asked only for a resource that hangs from none of the anchors, as finding them
 *                      costs searches
 */
public record Assignment(Set<String> anchors, Set<String> organisations, Supplier<Set<String>> pointedTo) {

	public static final Assignment NONE = new Assignment(Set.of(), Set.of(), Set::of);

	public Assignment {
		anchors = Set.copyOf(anchors);
		organisations = Set.copyOf(organisations);
	}
}

package org.example.secondopinion.access;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The cases assigned to an expert, as the policy needs them.
 *
 * @param anchors       the Tasks the expert owns, the requests they fulfil and those requests' patients
 * @param organisations the organisations that referred those cases
 * @param files         the stored files ({@code Binary/...}) the patients' records point to; asked only
 *                      when a Binary is decided on, as finding them costs a search
 */
public record Assignment(Set<String> anchors, Set<String> organisations, Supplier<Set<String>> files) {

	public static final Assignment NONE = new Assignment(Set.of(), Set.of(), Set::of);

	public Assignment {
		anchors = Set.copyOf(anchors);
		organisations = Set.copyOf(organisations);
	}
}

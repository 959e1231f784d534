package org.example.secondopinion.access;

import java.util.List;

/**
 * What the policy looks at in a Task: who it is assigned to, its status, and what it is for.
 *
 * @param caseTask whether it is the Task the server keeps for a case (it carries the case's business status)
 * @param owner    the owner reference, e.g. {@code PractitionerRole/12}; empty when none
 * @param status   the status code; empty when none
 * @param links    focus, for and basedOn references, in that order
 */
public record TaskFacts(boolean caseTask, String owner, String status, List<String> links) {

	public TaskFacts {
		owner = owner == null ? "" : owner;
		status = status == null ? "" : status;
		links = List.copyOf(links);
	}

	/**
	 * Whether the owner may name a person (an expert): anything but nobody or an Organization, including a
	 * reference whose target is not known yet ({@code urn:uuid:}).
	 */
	public boolean ownerIsAPerson() {
		return !owner.isEmpty() && !owner.startsWith("Organization/") && !owner.startsWith("Organization?");
	}
}

package org.example.secondopinion.access;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the policy looks at in a Task: who it is assigned to, its status, and what it is for.
 *
 * @param caseTask whether it is the Task the server keeps for a case (it carries the case's business status)
 * @param owner    the owner reference, e.g. {@code PractitionerRole/12}; empty when none
 * @param status   the status code; empty when none
 * @param links    focus, for and basedOn references, in that order
 * @param serverOwned the fields the server keeps on a case's Task, by element name, each value in a form where
 *                    equal values compare equal (empty when absent)
 */
public record TaskFacts(boolean caseTask, String owner, String status, List<String> links, Map<String, String> serverOwned) {

	public TaskFacts {
		owner = owner == null ? "" : owner;
		status = status == null ? "" : status;
		links = List.copyOf(links);
		serverOwned = Map.copyOf(serverOwned);
	}

	/** Facts whose server-owned fields are the owner and the status alone. */
	public TaskFacts(boolean caseTask, String owner, String status, List<String> links) {
		this(caseTask, owner, status, links, Map.of("owner", owner == null ? "" : owner, "status", status == null ? "" : status));
	}

	/** The server-owned fields whose values differ from {@code before}'s, sorted by name (a new set each time). */
	public Set<String> serverOwnedChangedFrom(TaskFacts before) {
		return serverOwned.keySet().stream()
				.filter(field -> !serverOwned.get(field).equals(before.serverOwned.getOrDefault(field, "")))
				.collect(Collectors.toCollection(TreeSet::new));
	}

	/**
	 * Whether the owner may name a person (an expert): anything but nobody or an Organization, including a
	 * reference whose target is not known yet ({@code urn:uuid:}).
	 */
	public boolean ownerIsAPerson() {
		return !owner.isEmpty() && !owner.startsWith("Organization/") && !owner.startsWith("Organization?");
	}
}

package org.example.secondopinion.access;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one access policy: for each role, may this caller read, search, create, change or delete this
 * resource, run this operation, or be notified of this change? Every path of the server asks it (the
 * HAPI hooks, the streamed Binary path, subscriptions, our operations) and only translates its situation
 * into a question; nothing here knows HAPI.
 *
 * <p>Each decision names its rule (docs/security.md). The principles:
 * <ul>
 *   <li>An EHR reaches its organisation's cases; an expert the cases assigned to them; a patient their
 *       own compartment; the coordinator and the server every case. The directory is everyone's.
 *   <li>What a confined caller cannot reach does not exist for it: refusals about such a resource are
 *       {@link Decision.Outcome#NOT_FOUND}, answered exactly like a missing one.
 *   <li>What is stored keeps to one organisation: it refers to that organisation's cases and the directory
 *       only, so a later reader of it never reaches another organisation's data through it.
 *   <li>Only the server (matching) and the coordinator assign a case; only the server sets its state.
 * </ul>
 */
public final class AccessPolicy {

	public static final String REACH_CENTRE = "reach-centre";
	public static final String REACH_DIRECTORY = "reach-directory";
	public static final String REACH_OWN_ORGANISATION = "reach-own-organisation";
	public static final String REACH_ASSIGNED_CASE = "reach-assigned-case";
	public static final String REACH_OWN_RECORD = "reach-own-record";
	public static final String AUDIT_TRAIL_FOR_CENTRE = "audit-trail-for-centre";
	public static final String AUDIT_APPEND_ONLY = "audit-append-only";
	public static final String PATIENT_READS_ONLY = "patient-reads-only";
	public static final String EHR_NAMES_ORGANISATION = "ehr-names-organisation";
	public static final String DIRECTORY_KEPT_BY_CENTRE = "directory-kept-by-centre";
	public static final String DIRECTORY_REFERS_TO_DIRECTORY = "directory-refers-to-directory";
	public static final String EXPERTS_LISTED_BY_CENTRE = "experts-listed-by-centre";
	public static final String SERVER_ASSIGNED_IDS = "server-assigned-ids";
	public static final String COORDINATOR_WRITES_NO_OPINION = "coordinator-writes-no-opinion";
	public static final String ONE_ORGANISATION = "one-organisation-per-resource";
	public static final String WITHIN_ASSIGNED_CASE = "write-within-assigned-case";
	public static final String CASE_ASSIGNED_BY_CENTRE = "case-assigned-by-centre";
	public static final String CASE_STATE_BY_SERVER = "case-state-by-server";
	public static final String CASE_TASK_KEPT = "case-task-kept-by-server";
	public static final String EXPERT_KEEPS_TASK_LINKS = "expert-keeps-task-links";
	public static final String CASE_TASK_FIELDS_BY_SERVER = "case-task-fields-by-server";
	public static final String EXPERT_ADDS_TO_CASE = "expert-adds-to-case";
	public static final String SEARCH_NO_REVERSE_CHAIN = "search-no-reverse-chain";
	public static final String SEARCH_NO_CHAIN_FROM_DIRECTORY = "search-no-chain-from-directory";
	public static final String SEARCH_NO_CONTAINED = "search-no-contained";
	public static final String SEARCH_NO_FILTER = "search-no-filter";
	public static final String SEARCH_NARROWED = "search-narrowed";
	public static final String HISTORY_OF_ONE_RESOURCE = "history-of-one-resource";
	public static final String NOTIFY_WITHIN_REACH = "notify-within-reach";
	public static final String DELIVERY_LOG_OF_OWN_SUBSCRIPTION = "delivery-log-of-own-subscription";
	public static final String WRITE_WITHIN_REACH = "write-within-reach";
	public static final String ONLY_WHAT_THE_REVIEW_NEEDS = "only-what-the-review-needs";
	public static final String OPINIONS_BY_EXPERT = "opinions-by-expert";
	public static final String OPINION_ON_OWN_CASE = "opinion-on-own-case";

	/** May the actor see this resource (in a read, a search result, an include, a history, an operation's answer)? */
	public Decision read(Actor actor, Membership resource) {
		if (actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR) {
			return Decision.allow(REACH_CENTRE);
		}
		return switch (resource.kind()) {
			case DIRECTORY -> Decision.allow(REACH_DIRECTORY);
			case AUDIT_TRAIL -> Decision.notFound(AUDIT_TRAIL_FOR_CENTRE);
			case CASE_DATA -> readCaseData(actor, resource);
		};
	}

	private static Decision readCaseData(Actor actor, Membership resource) {
		return switch (actor.role()) {
			case EHR -> actor.organisation() != null && resource.organisations().equals(Set.of(actor.organisation()))
					? Decision.allow(REACH_OWN_ORGANISATION) : Decision.notFound(REACH_OWN_ORGANISATION);
			case EXPERT -> withinAssignment(actor.assignment(), resource)
					? Decision.allow(REACH_ASSIGNED_CASE) : Decision.notFound(REACH_ASSIGNED_CASE);
			case PATIENT -> actor.patient() != null && resource.anchors().contains(actor.patient())
					? Decision.allow(REACH_OWN_RECORD) : Decision.notFound(REACH_OWN_RECORD);
			default -> Decision.allow(REACH_CENTRE);
		};
	}

	/**
	 * Labelled with the assigned cases' organisations only, and hanging from one of the cases: naming its
	 * request or patient, or pointed to by its records (a file, a medication, what the request lists).
	 */
	private static boolean withinAssignment(Assignment assignment, Membership resource) {
		if (resource.organisations().isEmpty() || !assignment.organisations().containsAll(resource.organisations())) {
			return false;
		}
		if (resource.anchors().stream().anyMatch(assignment.anchors()::contains)) {
			return true;
		}
		return !resource.id().isEmpty() && assignment.pointedTo().get().contains(resource.id());
	}

	/**
	 * May the actor make this change, judged before it is stored: on the resource as it was ({@code before},
	 * null for a create) and on the kind of resource.
	 *
	 * @param clientChosenId a create with an id the client chose (an update of an id that does not exist)
	 */
	public Decision change(Actor actor, Interaction interaction, String type, Membership before, boolean clientChosenId) {
		Decision kept = kept(type);
		if (!kept.allowed()) {
			return kept;
		}
		if (actor.role() == Role.SERVER) {
			return Decision.allow(REACH_CENTRE);
		}
		if ("AuditEvent".equals(type)) {
			return Decision.forbid(AUDIT_APPEND_ONLY, "The audit trail is written by the server alone; nobody changes it through the API");
		}
		if (actor.role() == Role.EHR && actor.organisation() == null && ResourceKinds.of(type) == Membership.Kind.CASE_DATA) {
			return Decision.forbid(EHR_NAMES_ORGANISATION, "The EHR's token names no organization, so it cannot store case data");
		}
		if (before != null) {
			Decision reach = read(actor, before);
			if (!reach.allowed()) {
				return reach;
			}
		}
		if (actor.role() == Role.PATIENT) {
			return Decision.forbid(PATIENT_READS_ONLY, "A patient app reads the patient's records; it does not change them");
		}
		if (clientChosenId && actor.role().isConfined()) {
			return Decision.notFound(SERVER_ASSIGNED_IDS);
		}
		if (actor.role() == Role.EXPERT && before != null && before.kind() == Membership.Kind.CASE_DATA
				&& (interaction == Interaction.DELETE || ResourceKinds.isReferrersCase(type))) {
			return Decision.forbid(EXPERT_ADDS_TO_CASE, "An expert adds to a case (opinions, messages, notes on its Task) "
					+ "but does not delete what it holds or change what the referrer sent (" + type + "): ask the referrer in the "
					+ "case's discussion");
		}
		if (isDirectory(before, type)) {
			return directoryChange(actor, interaction, type);
		}
		if (actor.role() == Role.COORDINATOR && "DiagnosticReport".equals(type)) {
			return Decision.forbid(COORDINATOR_WRITES_NO_OPINION, "Coordinators do not write opinions; the assigned expert does");
		}
		return Decision.allow(WRITE_WITHIN_REACH);
	}

	/**
	 * Does the server keep resources of this type at all? Billing and administrative data
	 * ({@link ResourceKinds#isNotKept}) is not what a review needs, so it is refused whoever sends it, and
	 * before anything else is said about it (a missing scope included).
	 */
	public Decision kept(String type) {
		if (ResourceKinds.isNotKept(type)) {
			return Decision.invalid(ONLY_WHAT_THE_REVIEW_NEEDS, type + " is billing or administrative data, which a second "
					+ "opinion does not need: the server keeps only what the review needs (the patient, the request and the "
					+ "clinical record). Leave " + type + " out of what you send");
		}
		return Decision.allow(WRITE_WITHIN_REACH);
	}

	/**
	 * May the actor write (or delete) this DiagnosticReport? The type is both the hospital's own report, a
	 * record of the case, and the expert's opinion, a report based on the second-opinion request. Only the
	 * expert writes opinions (the case's rules then require the assigned one), and an expert does not
	 * change the hospital's reports, whichever scopes either holds.
	 *
	 * @param wasOpinion whether the stored report is an opinion; null for a create
	 * @param isOpinion  whether the report as written is an opinion; null for a delete
	 */
	public Decision report(Actor actor, Boolean wasOpinion, Boolean isOpinion) {
		boolean touchesOpinion = Boolean.TRUE.equals(wasOpinion) || Boolean.TRUE.equals(isOpinion);
		boolean touchesRecord = Boolean.FALSE.equals(wasOpinion) || Boolean.FALSE.equals(isOpinion);
		return switch (actor.role()) {
			case EHR -> touchesOpinion
					? Decision.forbid(OPINIONS_BY_EXPERT, "Only the assigned expert writes opinions, and a DiagnosticReport "
							+ "based on a second-opinion request (basedOn) is one. Send the hospital's own report as a record: "
							+ "without that basedOn, listed in the request's supportingInfo")
					: Decision.allow(WRITE_WITHIN_REACH);
			case EXPERT -> touchesRecord
					? Decision.forbid(EXPERT_ADDS_TO_CASE, "An expert writes opinions, DiagnosticReports based on the case's "
							+ "request (basedOn); the hospital's own reports are the referrer's and stay as sent")
					: Decision.allow(WRITE_WITHIN_REACH);
			default -> Decision.allow(actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR ? REACH_CENTRE : WRITE_WITHIN_REACH);
		};
	}

	/**
	 * May the actor write (or delete) an opinion based on these requests? An expert, only on the cases they
	 * are assigned: reaching a patient's records through one case gives no hand in the patient's other cases.
	 *
	 * @param requests the requests the opinion is based on ({@code ServiceRequest/123})
	 */
	public Decision opinionOn(Actor actor, Set<String> requests) {
		if (actor.role() == Role.EXPERT && !actor.assignment().anchors().containsAll(requests)) {
			return Decision.forbid(OPINION_ON_OWN_CASE, "An expert writes opinions on the cases assigned to them only; "
					+ "DiagnosticReport.basedOn names a request of another expert's case");
		}
		return Decision.allow(actor.role() == Role.EXPERT ? REACH_ASSIGNED_CASE : WRITE_WITHIN_REACH);
	}

	private static boolean isDirectory(Membership before, String type) {
		return before != null ? before.kind() == Membership.Kind.DIRECTORY : ResourceKinds.isDirectory(type);
	}

	private static Decision directoryChange(Actor actor, Interaction interaction, String type) {
		return switch (actor.role()) {
			case COORDINATOR -> Decision.allow(REACH_CENTRE);
			case EHR -> interaction == Interaction.CREATE ? Decision.allow(REACH_DIRECTORY)
					: Decision.forbid(DIRECTORY_KEPT_BY_CENTRE, "The directory is kept by the centre; an EHR may add "
							+ type + " resources but not change or delete them");
			default -> Decision.forbid(DIRECTORY_KEPT_BY_CENTRE, "The directory is kept by the centre's coordinator");
		};
	}

	/**
	 * May the actor write a directory entry that makes someone an expert (a role coded as one, or an
	 * expert's identifier)? Matching assigns cases to experts, and an expert's token reaches the cases of the
	 * role its identifier names: only the centre lists experts.
	 */
	public Decision directoryEntry(Actor actor, boolean namesAnExpert) {
		if (namesAnExpert && actor.role() != Role.COORDINATOR && actor.role() != Role.SERVER) {
			return Decision.forbid(EXPERTS_LISTED_BY_CENTRE, "Only the centre lists its experts: a PractitionerRole coded "
					+ "as an expert, or an expert's identifier, is the coordinator's to write");
		}
		return Decision.allow(actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR ? REACH_CENTRE : WRITE_WITHIN_REACH);
	}

	/**
	 * May the actor store this content, judged once its references are resolved: {@code written} is the
	 * resource as it will be stored, {@code targets} what it refers to.
	 */
	public Decision contents(Actor actor, Membership written, Set<Membership> targets) {
		boolean centre = actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR;
		if (!centre) {
			// first: a target outside reach is answered as a missing one, before anything is said about it
			for (Membership target : targets) {
				Decision reach = read(actor, target);
				if (!reach.allowed()) {
					return reach;
				}
			}
		}
		Set<String> organisations = new HashSet<>(written.organisations());
		targets.forEach(target -> organisations.addAll(target.organisations()));
		if (written.kind() == Membership.Kind.DIRECTORY && !organisations.isEmpty()) {
			return Decision.invalid(DIRECTORY_REFERS_TO_DIRECTORY, written.type()
					+ " is part of the shared directory and may refer only to other directory resources, not to a case");
		}
		if (organisations.size() > 1) {
			return Decision.forbid(ONE_ORGANISATION, written.type()
					+ " refers to the cases of more than one organisation; a resource belongs to one organisation's case");
		}
		if (actor.role() == Role.EXPERT && written.kind() == Membership.Kind.CASE_DATA
				&& !withinAssignment(actor.assignment(), written)) {
			return Decision.forbid(WITHIN_ASSIGNED_CASE, written.type() + " is not part of a case assigned to you");
		}
		return Decision.allow(centre ? REACH_CENTRE : WRITE_WITHIN_REACH);
	}

	/**
	 * May the actor make this change to a Task ({@code before} null for a create, {@code after} null for a delete)?
	 * The case's Task records the assignment and the state, which are the centre's and the server's.
	 */
	public Decision taskChange(Actor actor, TaskFacts before, TaskFacts after) {
		switch (actor.role()) {
			case EHR:
				if (after == null) {
					return before.caseTask() ? Decision.forbid(CASE_TASK_KEPT, "The case's Task is kept by the server; "
							+ "to cancel the case, set the ServiceRequest's status to revoked") : Decision.allow(WRITE_WITHIN_REACH);
				}
				if (before == null ? after.ownerIsAPerson() : !before.owner().equals(after.owner())) {
					return Decision.forbid(CASE_ASSIGNED_BY_CENTRE, "Task.owner: the centre assigns the expert; an EHR may "
							+ "address the Task to the centre's Organization but not choose or change who reviews the case");
				}
				if (before == null ? !"requested".equals(after.status()) && !"draft".equals(after.status())
						: !before.status().equals(after.status())) {
					return Decision.forbid(CASE_STATE_BY_SERVER, "Task.status: the case's state is set by the server; "
							+ "an EHR sends a Task as requested, and cancels by revoking the ServiceRequest");
				}
				return serverOwnedKept(before, after, Set.of());
			case EXPERT:
				if (before == null || after == null) {
					return Decision.forbid(CASE_TASK_KEPT, "The case's Task is kept by the server; an expert updates it only");
				}
				return before.owner().equals(after.owner()) && before.links().equals(after.links())
						? serverOwnedKept(before, after, Set.of())
						: Decision.forbid(EXPERT_KEEPS_TASK_LINKS, "An expert may not change what a Task is for or whom "
								+ "it is assigned to (focus, for, basedOn, owner)");
			case COORDINATOR:
				// the workflow answers a change of state itself (409, naming the state); the due date is the centre's to move
				return serverOwnedKept(before, after, Set.of("status", "businessStatus", "restriction"));
			default:
				return Decision.allow(actor.role() == Role.PATIENT ? PATIENT_READS_ONLY : REACH_CENTRE);
		}
	}

	/**
	 * An update of a case's Task keeps the fields the server owns: one that leaves them out or sends an earlier
	 * copy has them put back before this is asked, so a difference left is a new value.
	 */
	private static Decision serverOwnedKept(TaskFacts before, TaskFacts after, Set<String> changeable) {
		if (before == null || after == null || !before.caseTask()) {
			return Decision.allow(WRITE_WITHIN_REACH);
		}
		Set<String> changed = after.serverOwnedChangedFrom(before);
		changed.removeAll(changeable);
		if (changed.isEmpty()) {
			return Decision.allow(WRITE_WITHIN_REACH);
		}
		return Decision.forbid(CASE_TASK_FIELDS_BY_SERVER, changed.stream().map(field -> "Task." + field)
				.collect(Collectors.joining(", ")) + ": the server keeps these fields of a case's Task. "
				+ "Send them as you read them or leave them out; the priority and due date follow ServiceRequest.priority, "
				+ "the state moves with the case's records, questions and opinions, and the centre assigns with $assign");
	}

	/**
	 * May the actor search with these features? A confined caller's search is narrowed to what it reaches,
	 * but criteria on other resources would still answer yes-or-no questions about them.
	 *
	 * @param directoryType whether the type searched is shared ({@link ResourceKinds#isDirectory})
	 */
	public Decision search(Actor actor, String type, Set<SearchFeature> features) {
		if (!actor.role().isConfined() && actor.role() != Role.PATIENT) {
			return Decision.allow(REACH_CENTRE);
		}
		if (features.contains(SearchFeature.REVERSE_CHAIN)) {
			return Decision.forbid(SEARCH_NO_REVERSE_CHAIN, "_has is not available to your role: it would match on "
					+ "resources outside your reach. Search the referring type instead");
		}
		if (features.contains(SearchFeature.CHAIN) && ResourceKinds.isDirectory(type)) {
			return Decision.forbid(SEARCH_NO_CHAIN_FROM_DIRECTORY, "Chained parameters on " + type
					+ " are not available to your role: the directory is shared, so a chain from it could reach other cases");
		}
		if (features.contains(SearchFeature.CONTAINED)) {
			return Decision.forbid(SEARCH_NO_CONTAINED, "_contained is not available to your role");
		}
		if (features.contains(SearchFeature.FILTER)) {
			return Decision.forbid(SEARCH_NO_FILTER, "_filter is not available to your role");
		}
		return Decision.allow(SEARCH_NARROWED);
	}

	/** May the actor ask for the history of a whole type or of the server (rather than of one resource)? */
	public Decision historyBeyondOneResource(Actor actor) {
		return actor.role().isConfined() || actor.role() == Role.PATIENT
				? Decision.forbid(HISTORY_OF_ONE_RESOURCE, "Your role may read the history of one resource at a time "
						+ "(GET [type]/[id]/_history), not of a whole type or of the server")
				: Decision.allow(REACH_CENTRE);
	}

	/**
	 * May the actor run this operation on this resource? Reading a case's view needs reach; assigning,
	 * rejecting and matching a case are the coordinator's.
	 */
	public Decision operation(Actor actor, String operation, Membership target) {
		Decision reach = read(actor, target);
		if (!reach.allowed()) {
			return reach;
		}
		boolean assigns = switch (operation) {
			case "$assign", "$reject", "$match-experts" -> true;
			default -> false;
		};
		if (assigns && actor.role() != Role.COORDINATOR && actor.role() != Role.SERVER) {
			return Decision.forbid(CASE_ASSIGNED_BY_CENTRE, operation + " is the centre coordinator's: "
					+ "the centre matches, assigns and rejects cases");
		}
		return reach;
	}

	/**
	 * May the actor run this operation on a whole type? {@code $delivery-log} of every subscription is the
	 * centre's; a subscriber reads the log of its own subscription ({@code Subscription/[id]/$delivery-log}).
	 */
	public Decision typeOperation(Actor actor, String operation) {
		if ("$delivery-log".equals(operation) && (actor.role().isConfined() || actor.role() == Role.PATIENT)) {
			return Decision.forbid(DELIVERY_LOG_OF_OWN_SUBSCRIPTION, "The delivery log of every subscription is the "
					+ "centre's; read your own subscription's with GET Subscription/[id]/$delivery-log");
		}
		return Decision.allow(actor.role() == Role.SERVER || actor.role() == Role.COORDINATOR ? REACH_CENTRE : WRITE_WITHIN_REACH);
	}

	/**
	 * May the subscriber hear of this change? A subscription labelled with an organisation hears of that
	 * organisation's cases only; an unlabelled one (the centre's) of every case.
	 */
	public Decision notify(Membership subscription, Membership changed) {
		if (subscription.organisations().isEmpty() || changed.kind() == Membership.Kind.DIRECTORY) {
			return Decision.allow(NOTIFY_WITHIN_REACH);
		}
		return subscription.organisations().containsAll(changed.organisations()) && !changed.organisations().isEmpty()
				? Decision.allow(NOTIFY_WITHIN_REACH) : Decision.notFound(NOTIFY_WITHIN_REACH);
	}
}

package org.example.secondopinion.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The policy, cell by cell: every role × every action × a resource of the caller's own case, of another
 * organisation's case, of no case, of the directory and of the audit trail. Each expectation is written
 * down as a grid, independently of the policy's code, and every cell of every grid is checked.
 */
class AccessPolicyTest {

	private static final String A = "https://a.example.org/id/organization|a";
	private static final String B = "https://b.example.org/id/organization|b";

	private final AccessPolicy policy = new AccessPolicy();

	/** The callers, in the grids' column order. */
	private static final Map<String, Actor> ACTORS = new LinkedHashMap<>();
	/** The resources, in the grids' row order: case A is St A's and assigned to the expert; case B is another's. */
	private static final Map<String, Membership> RESOURCES = new LinkedHashMap<>();

	static {
		ACTORS.put("ehrA", Actor.ehr(A));
		ACTORS.put("ehr?", Actor.ehr(null));
		ACTORS.put("expA", Actor.expert(new Assignment(Set.of("Task/5", "ServiceRequest/2", "Patient/1"), Set.of(A),
				() -> Set.of("Binary/4"))));
		ACTORS.put("exp-", Actor.expert(Assignment.NONE));
		ACTORS.put("coor", Actor.coordinator());
		ACTORS.put("patA", Actor.patient("Patient/1"));
		ACTORS.put("pat?", Actor.patient(null));
		ACTORS.put("serv", Actor.server());

		caseOf("A", A, 0);
		caseOf("B", B, 10);
		RESOURCES.put("unlabelled", new Membership("DocumentReference", "DocumentReference/20", Membership.Kind.CASE_DATA, Set.of(), Set.of()));
		RESOURCES.put("directory", Membership.directory("PractitionerRole", "PractitionerRole/30"));
		RESOURCES.put("audit", Membership.auditTrail("AuditEvent/40"));
	}

	private static void caseOf(String name, String organisation, int offset) {
		String patient = "Patient/" + (1 + offset);
		String request = "ServiceRequest/" + (2 + offset);
		RESOURCES.put("patient" + name, caseData("Patient", patient, organisation, patient));
		RESOURCES.put("request" + name, caseData("ServiceRequest", request, organisation, request, patient));
		RESOURCES.put("record" + name, caseData("DocumentReference", "DocumentReference/" + (3 + offset), organisation, request, patient));
		RESOURCES.put("file" + name, caseData("Binary", "Binary/" + (4 + offset), organisation, "Binary/" + (4 + offset)));
		RESOURCES.put("task" + name, caseData("Task", "Task/" + (5 + offset), organisation, "Task/" + (5 + offset), request, patient));
	}

	private static Membership caseData(String type, String id, String organisation, String... anchors) {
		return new Membership(type, id, Membership.Kind.CASE_DATA, Set.of(organisation), Set.of(anchors));
	}

	/** Y allowed, N not found (as if missing), F forbidden, I invalid. Columns: {@link #ACTORS}. */
	private static final String READ = """
			            ehrA ehr? expA exp- coor patA pat? serv
			patientA    Y    N    Y    N    Y    Y    N    Y
			requestA    Y    N    Y    N    Y    Y    N    Y
			recordA     Y    N    Y    N    Y    Y    N    Y
			fileA       Y    N    Y    N    Y    N    N    Y
			taskA       Y    N    Y    N    Y    Y    N    Y
			patientB    N    N    N    N    Y    N    N    Y
			requestB    N    N    N    N    Y    N    N    Y
			recordB     N    N    N    N    Y    N    N    Y
			fileB       N    N    N    N    Y    N    N    Y
			taskB       N    N    N    N    Y    N    N    Y
			unlabelled  N    N    N    N    Y    N    N    Y
			directory   Y    Y    Y    Y    Y    Y    Y    Y
			audit       N    N    N    N    Y    N    N    Y
			""";

	/**
	 * Changing (update) the resource as stored: reach first, then what the role may change; an expert adds to
	 * a case but does not change what the referrer sent.
	 */
	private static final String UPDATE = """
			            ehrA ehr? expA exp- coor patA pat? serv
			patientA    Y    F    F    N    Y    F    N    Y
			requestA    Y    F    F    N    Y    F    N    Y
			recordA     Y    F    F    N    Y    F    N    Y
			fileA       Y    F    F    N    Y    N    N    Y
			taskA       Y    F    Y    N    Y    F    N    Y
			patientB    N    F    N    N    Y    N    N    Y
			requestB    N    F    N    N    Y    N    N    Y
			recordB     N    F    N    N    Y    N    N    Y
			fileB       N    F    N    N    Y    N    N    Y
			taskB       N    F    N    N    Y    N    N    Y
			unlabelled  N    F    N    N    Y    N    N    Y
			directory   F    F    F    F    Y    F    F    Y
			audit       F    F    F    F    F    F    F    Y
			""";

	/** Deleting the resource as stored: as an update, but an expert deletes nothing of a case. */
	private static final String DELETE = """
			            ehrA ehr? expA exp- coor patA pat? serv
			patientA    Y    F    F    N    Y    F    N    Y
			requestA    Y    F    F    N    Y    F    N    Y
			recordA     Y    F    F    N    Y    F    N    Y
			fileA       Y    F    F    N    Y    N    N    Y
			taskA       Y    F    F    N    Y    F    N    Y
			patientB    N    F    N    N    Y    N    N    Y
			requestB    N    F    N    N    Y    N    N    Y
			recordB     N    F    N    N    Y    N    N    Y
			fileB       N    F    N    N    Y    N    N    Y
			taskB       N    F    N    N    Y    N    N    Y
			unlabelled  N    F    N    N    Y    N    N    Y
			directory   F    F    F    F    Y    F    F    Y
			audit       F    F    F    F    F    F    F    Y
			""";

	/** Creating a resource of the row's type (no resource before): by kind only. */
	private static final String CREATE = """
			            ehrA ehr? expA exp- coor patA pat? serv
			patientA    Y    F    Y    Y    Y    F    F    Y
			directory   Y    Y    F    F    Y    F    F    Y
			audit       F    F    F    F    F    F    F    Y
			""";

	/** Storing a resource of case A that refers to the row's resource (a DocumentReference, references resolved). */
	private static final String REFER_TO = """
			            ehrA ehr? expA exp- coor patA pat? serv
			patientA    Y    N    Y    N    Y    Y    N    Y
			requestA    Y    N    Y    N    Y    Y    N    Y
			fileA       Y    N    Y    N    Y    N    N    Y
			patientB    N    N    N    N    F    N    N    F
			requestB    N    N    N    N    F    N    N    F
			directory   Y    Y    Y    F    Y    Y    Y    Y
			""";

	@Test
	void everyRoleReadsExactlyWhatItReaches() {
		check(READ, (actor, resource) -> policy.read(actor, resource));
	}

	@Test
	void everyRoleChangesAndDeletesOnlyWithinItsReachAndItsRole() {
		check(UPDATE, (actor, resource) -> policy.change(actor, Interaction.UPDATE, resource.type(), resource, false));
		check(DELETE, (actor, resource) -> policy.change(actor, Interaction.DELETE, resource.type(), resource, false));
	}

	@Test
	void everyRoleCreatesOnlyWhatItsRoleMayCreate() {
		check(CREATE, (actor, resource) -> policy.change(actor, Interaction.CREATE, resource.type(), null, false));
	}

	@Test
	void aConfinedCallerCannotChooseTheIdOfWhatItCreates() {
		for (String name : List.of("ehrA", "expA")) {
			Decision decision = policy.change(ACTORS.get(name), Interaction.CREATE, "Patient", null, true);
			assertThat(decision.outcome()).as(name).isEqualTo(Decision.Outcome.NOT_FOUND);
			assertThat(decision.rule()).isEqualTo(AccessPolicy.SERVER_ASSIGNED_IDS);
		}
		assertThat(policy.change(Actor.coordinator(), Interaction.CREATE, "Organization", null, true).allowed()).isTrue();
	}

	@Test
	void whatIsStoredRefersOnlyToWhatItsWriterReachesAndToOneOrganisation() {
		Membership recordOfA = RESOURCES.get("recordA");
		check(REFER_TO, (actor, target) -> policy.contents(actor, recordOfA, Set.of(target)));
		assertThat(policy.contents(Actor.coordinator(), recordOfA, Set.of(RESOURCES.get("patientA"), RESOURCES.get("requestB"))).rule())
				.isEqualTo(AccessPolicy.ONE_ORGANISATION);
		assertThat(policy.contents(Actor.server(), RESOURCES.get("directory"), Set.of(RESOURCES.get("patientA"))).outcome())
				.isEqualTo(Decision.Outcome.INVALID);
	}

	@Test
	void anExpertWritesOnlyWithinTheCasesAssignedToThem() {
		Actor expert = ACTORS.get("expA");
		Membership opinionOfB = caseData("DiagnosticReport", "", A, "ServiceRequest/12", "Patient/11");
		assertThat(policy.contents(expert, opinionOfB, Set.of()).rule()).isEqualTo(AccessPolicy.WITHIN_ASSIGNED_CASE);
		Membership opinionOfA = caseData("DiagnosticReport", "", A, "ServiceRequest/2", "Patient/1");
		assertThat(policy.contents(expert, opinionOfA, Set.of(RESOURCES.get("requestA"))).allowed()).isTrue();
	}

	@Test
	void onlyTheCentreListsExperts() {
		for (String name : List.of("ehrA", "expA", "patA")) {
			assertThat(policy.directoryEntry(ACTORS.get(name), true).rule()).as(name).isEqualTo(AccessPolicy.EXPERTS_LISTED_BY_CENTRE);
			assertThat(policy.directoryEntry(ACTORS.get(name), false).allowed()).as(name).isTrue();
		}
		assertThat(policy.directoryEntry(Actor.coordinator(), true).allowed()).isTrue();
		assertThat(policy.typeOperation(ACTORS.get("ehrA"), "$delivery-log").rule()).isEqualTo(AccessPolicy.DELIVERY_LOG_OF_OWN_SUBSCRIPTION);
		assertThat(policy.typeOperation(Actor.coordinator(), "$delivery-log").allowed()).isTrue();
	}

	@Test
	void coordinatorsWriteNoOpinions() {
		Decision decision = policy.change(Actor.coordinator(), Interaction.CREATE, "DiagnosticReport", null, false);
		assertThat(decision.rule()).isEqualTo(AccessPolicy.COORDINATOR_WRITES_NO_OPINION);
		assertThat(decision.outcome()).isEqualTo(Decision.Outcome.FORBIDDEN);
	}

	@Test
	void anUpdateOfACaseTaskKeepsWhatTheServerOwnsAndTheCentreMayMoveTheDueDate() {
		List<String> links = List.of("ServiceRequest/2", "Patient/1", "ServiceRequest/2");
		TaskFacts stored = new TaskFacts(true, "PractitionerRole/7", "accepted", links,
				java.util.Map.of("owner", "PractitionerRole/7", "status", "accepted", "restriction", "due 1", "input", ""));
		TaskFacts notesOnly = new TaskFacts(true, "PractitionerRole/7", "accepted", links, stored.serverOwned());
		TaskFacts newDueDate = new TaskFacts(true, "PractitionerRole/7", "accepted", links,
				java.util.Map.of("owner", "PractitionerRole/7", "status", "accepted", "restriction", "due 2", "input", "x"));

		assertThat(policy.taskChange(ACTORS.get("ehrA"), stored, notesOnly).allowed()).isTrue();
		Decision byEhr = policy.taskChange(ACTORS.get("ehrA"), stored, newDueDate);
		assertThat(byEhr.rule()).isEqualTo(AccessPolicy.CASE_TASK_FIELDS_BY_SERVER);
		assertThat(byEhr.message()).contains("Task.input, Task.restriction");
		assertThat(policy.taskChange(ACTORS.get("expA"), stored, newDueDate).rule()).isEqualTo(AccessPolicy.CASE_TASK_FIELDS_BY_SERVER);
		Decision byCoordinator = policy.taskChange(Actor.coordinator(), stored, newDueDate);
		assertThat(byCoordinator.rule()).isEqualTo(AccessPolicy.CASE_TASK_FIELDS_BY_SERVER);
		assertThat(byCoordinator.message()).contains("Task.input").doesNotContain("Task.restriction");
	}

	@Test
	void onlyTheCentreAndTheServerAssignACaseAndSetItsState() {
		TaskFacts requested = new TaskFacts(true, "Organization/9", "requested", List.of("ServiceRequest/2", "Patient/1", "ServiceRequest/2"));
		TaskFacts chosenExpert = new TaskFacts(true, "PractitionerRole/7", "requested", requested.links());
		TaskFacts completed = new TaskFacts(true, "Organization/9", "completed", requested.links());
		TaskFacts assigned = new TaskFacts(true, "PractitionerRole/7", "accepted", requested.links());
		TaskFacts repointed = new TaskFacts(true, "PractitionerRole/7", "accepted", List.of("ServiceRequest/12", "Patient/11", "ServiceRequest/12"));
		Actor ehr = ACTORS.get("ehrA");
		Actor expert = ACTORS.get("expA");

		assertThat(policy.taskChange(ehr, null, requested).allowed()).as("EHR sends a Task for the centre").isTrue();
		assertThat(policy.taskChange(ehr, null, chosenExpert).rule()).isEqualTo(AccessPolicy.CASE_ASSIGNED_BY_CENTRE);
		assertThat(policy.taskChange(ehr, null, new TaskFacts(true, "urn:uuid:1", "requested", requested.links())).rule())
				.as("an owner not known yet may be anyone").isEqualTo(AccessPolicy.CASE_ASSIGNED_BY_CENTRE);
		assertThat(policy.taskChange(ehr, null, completed).rule()).isEqualTo(AccessPolicy.CASE_STATE_BY_SERVER);
		assertThat(policy.taskChange(ehr, requested, chosenExpert).rule()).isEqualTo(AccessPolicy.CASE_ASSIGNED_BY_CENTRE);
		assertThat(policy.taskChange(ehr, requested, completed).rule()).isEqualTo(AccessPolicy.CASE_STATE_BY_SERVER);
		assertThat(policy.taskChange(ehr, assigned, null).rule()).isEqualTo(AccessPolicy.CASE_TASK_KEPT);
		assertThat(policy.taskChange(ehr, new TaskFacts(false, "", "requested", List.of()), null).allowed())
				.as("a Task of its own that is not a case's").isTrue();

		assertThat(policy.taskChange(expert, assigned, new TaskFacts(true, "PractitionerRole/7", "in-progress", assigned.links())).rule())
				.as("the state moves with the opinion, not by the Task").isEqualTo(AccessPolicy.CASE_TASK_FIELDS_BY_SERVER);
		assertThat(policy.taskChange(expert, assigned, repointed).rule()).isEqualTo(AccessPolicy.EXPERT_KEEPS_TASK_LINKS);
		assertThat(policy.taskChange(expert, assigned, null).rule()).isEqualTo(AccessPolicy.CASE_TASK_KEPT);

		assertThat(policy.taskChange(Actor.server(), requested, assigned).allowed()).isTrue();
		assertThat(policy.taskChange(Actor.coordinator(), requested, assigned).rule())
				.as("the coordinator assigns with $assign").isEqualTo(AccessPolicy.CASE_TASK_FIELDS_BY_SERVER);
		assertThat(policy.taskChange(Actor.coordinator(), requested, completed).allowed())
				.as("a change of state is the workflow's to answer").isTrue();
		for (String operation : List.of("$assign", "$reject", "$match-experts")) {
			assertThat(policy.operation(ehr, operation, RESOURCES.get("requestA")).rule()).as(operation)
					.isEqualTo(AccessPolicy.CASE_ASSIGNED_BY_CENTRE);
			assertThat(policy.operation(expert, operation, RESOURCES.get("requestA")).outcome()).isEqualTo(Decision.Outcome.FORBIDDEN);
			assertThat(policy.operation(Actor.coordinator(), operation, RESOURCES.get("requestB")).allowed()).isTrue();
			assertThat(policy.operation(ehr, operation, RESOURCES.get("requestB")).outcome())
					.as("another organisation's case does not exist for the EHR").isEqualTo(Decision.Outcome.NOT_FOUND);
		}
		assertThat(policy.operation(ehr, "$case", RESOURCES.get("requestA")).allowed()).isTrue();
		assertThat(policy.operation(ehr, "$case", RESOURCES.get("requestB")).outcome()).isEqualTo(Decision.Outcome.NOT_FOUND);
	}

	/**
	 * Every type of the clinical record, generated: a record of that type filed under case A's patient, and
	 * one under case B's, gets, cell by cell, exactly the row a case's DocumentReference gets in the READ,
	 * UPDATE and DELETE grids above (Location, a place, is the directory's row); a new one is created as a
	 * case resource is. An expert changes none of the referrer's records; a DiagnosticReport is judged as a
	 * record or an opinion (below).
	 */
	@Test
	void everyTypeOfTheClinicalRecordIsIsolatedAsTheCasesRecordsAre() {
		List<String> failures = new ArrayList<>();
		for (String type : ResourceKinds.CLINICAL_RECORD) {
			boolean shared = ResourceKinds.isDirectory(type);
			for (String side : List.of("A", "B")) {
				Membership sameAs = RESOURCES.get(shared ? "directory" : "record" + side);
				String patient = side.equals("A") ? "Patient/1" : "Patient/11";
				Membership record = shared ? Membership.directory(type, type + "/99")
						: new Membership(type, type + "/9" + side, Membership.Kind.CASE_DATA, sameAs.organisations(), Set.of(patient));
				for (Map.Entry<String, Actor> actor : ACTORS.entrySet()) {
					compare(failures, type + side + " read × " + actor.getKey(), policy.read(actor.getValue(), sameAs),
							policy.read(actor.getValue(), record));
					if ("DiagnosticReport".equals(type) && actor.getValue().role() == Role.COORDINATOR) {
						continue; // coordinators write no DiagnosticReport at all (coordinatorsWriteNoOpinions)
					}
					if (!"DiagnosticReport".equals(type)) {
						compare(failures, type + side + " update × " + actor.getKey(),
								policy.change(actor.getValue(), Interaction.UPDATE, sameAs.type(), sameAs, false),
								policy.change(actor.getValue(), Interaction.UPDATE, type, record, false));
					}
					compare(failures, type + side + " delete × " + actor.getKey(),
							policy.change(actor.getValue(), Interaction.DELETE, sameAs.type(), sameAs, false),
							policy.change(actor.getValue(), Interaction.DELETE, type, record, false));
					compare(failures, type + " create × " + actor.getKey(),
							policy.change(actor.getValue(), Interaction.CREATE, shared ? "PractitionerRole" : "Patient", null, false),
							policy.change(actor.getValue(), Interaction.CREATE, type, null, false));
				}
			}
		}
		assertThat(failures).isEmpty();
	}

	private static void compare(List<String> failures, String cell, Decision expected, Decision got) {
		if (expected.outcome() != got.outcome()) {
			failures.add(cell + ": expected " + expected.outcome() + " (" + expected.rule() + "), got " + got.outcome() + " (" + got.rule() + ")");
		}
	}

	/** Billing and administrative types are refused whoever sends them, naming the type and why. */
	@Test
	void billingAndAdministrativeTypesAreNotKept() {
		for (String type : List.of("Claim", "ExplanationOfBenefit", "Coverage", "Account", "Invoice", "ClaimResponse")) {
			for (Map.Entry<String, Actor> actor : ACTORS.entrySet()) {
				Decision decision = policy.change(actor.getValue(), Interaction.CREATE, type, null, false);
				assertThat(decision.outcome()).as(type + " × " + actor.getKey()).isEqualTo(Decision.Outcome.INVALID);
				assertThat(decision.rule()).isEqualTo(AccessPolicy.ONLY_WHAT_THE_REVIEW_NEEDS);
				assertThat(decision.message()).contains(type).contains("only what the review needs");
			}
		}
		assertThat(policy.kept("Observation").allowed()).isTrue();
	}

	/**
	 * A DiagnosticReport is the hospital's record or the expert's opinion: the EHR writes records only, the
	 * expert opinions only, whatever their scopes. Columns: created as record, as opinion; a record changed
	 * into an opinion, an opinion into a record; a record kept a record, an opinion an opinion; a record
	 * deleted, an opinion deleted.
	 */
	@Test
	void theHospitalWritesReportsAndTheExpertOpinions() {
		Boolean[][] cells = {{null, false}, {null, true}, {false, true}, {true, false}, {false, false}, {true, true}, {false, null}, {true, null}};
		Map<String, String> expected = Map.of(
				"ehrA", "Y F F F Y F Y F",
				"expA", "F Y F F F Y F Y",
				"coor", "Y Y Y Y Y Y Y Y",
				"serv", "Y Y Y Y Y Y Y Y");
		expected.forEach((name, row) -> {
			String[] wanted = row.split(" ");
			for (int i = 0; i < cells.length; i++) {
				Decision decision = policy.report(ACTORS.get(name), cells[i][0], cells[i][1]);
				assertThat(decision.allowed() ? "Y" : "F").as(name + " × cell " + i + " " + decision).isEqualTo(wanted[i]);
			}
		});
		assertThat(policy.report(ACTORS.get("ehrA"), null, true).rule()).isEqualTo(AccessPolicy.OPINIONS_BY_EXPERT);
		assertThat(policy.report(ACTORS.get("expA"), false, false).rule()).isEqualTo(AccessPolicy.EXPERT_ADDS_TO_CASE);
	}

	@Test
	void anExpertWritesOpinionsOnTheirOwnCasesOnlyNotOnOtherCasesOfTheSamePatient() {
		assertThat(policy.opinionOn(ACTORS.get("expA"), Set.of("ServiceRequest/2")).allowed()).isTrue();
		Decision otherCase = policy.opinionOn(ACTORS.get("expA"), Set.of("ServiceRequest/3"));
		assertThat(otherCase.allowed()).isFalse();
		assertThat(otherCase.rule()).isEqualTo(AccessPolicy.OPINION_ON_OWN_CASE);
		assertThat(policy.opinionOn(ACTORS.get("expA"), Set.of("ServiceRequest/2", "ServiceRequest/3")).allowed()).isFalse();
		assertThat(policy.opinionOn(ACTORS.get("coor"), Set.of("ServiceRequest/3")).allowed()).isTrue();
	}

	@Test
	void anExpertReachesWhatTheCaseListsAndWhatItsRecordsPointTo() {
		Actor expert = Actor.expert(new Assignment(Set.of("Task/5", "ServiceRequest/2", "Patient/1"), Set.of(A),
				() -> Set.of("Medication/7", "Bundle/8")));
		assertThat(policy.read(expert, caseData("Medication", "Medication/7", A)).allowed()).isTrue();
		assertThat(policy.read(expert, caseData("Bundle", "Bundle/8", A)).allowed()).isTrue();
		assertThat(policy.read(expert, caseData("Medication", "Medication/17", A)).outcome())
				.as("another medication of the same hospital").isEqualTo(Decision.Outcome.NOT_FOUND);
		assertThat(policy.read(expert, caseData("Medication", "Medication/7", B)).outcome())
				.as("the same id labelled with another organisation").isEqualTo(Decision.Outcome.NOT_FOUND);
	}

	@Test
	void searchesOfConfinedCallersMayNotAskAboutWhatTheyCannotReach() {
		List<String> failures = new ArrayList<>();
		for (Map.Entry<String, Actor> actor : ACTORS.entrySet()) {
			boolean confined = actor.getValue().role().isConfined() || actor.getValue().role() == Role.PATIENT;
			for (String type : List.of("Patient", "Organization", "PractitionerRole", "DocumentReference")) {
				for (SearchFeature feature : SearchFeature.values()) {
					boolean directory = ResourceKinds.isDirectory(type);
					boolean expected = !confined || (feature == SearchFeature.CHAIN && !directory);
					Decision decision = policy.search(actor.getValue(), type, EnumSet.of(feature));
					if (decision.allowed() != expected) {
						failures.add(actor.getKey() + " × " + type + " × " + feature + ": " + decision);
					}
				}
				if (!policy.search(actor.getValue(), type, EnumSet.noneOf(SearchFeature.class)).allowed()) {
					failures.add(actor.getKey() + " × " + type + " × plain search refused");
				}
			}
			if (policy.historyBeyondOneResource(actor.getValue()).allowed() == confined) {
				failures.add(actor.getKey() + " × history of a type");
			}
		}
		assertThat(failures).isEmpty();
	}

	@Test
	void anOrganisationsSubscriptionHearsOnlyOfItsOwnCases() {
		Membership subscriptionOfA = caseData("Subscription", "Subscription/50", A);
		Membership centreSubscription = new Membership("Subscription", "Subscription/51", Membership.Kind.CASE_DATA, Set.of(), Set.of());
		assertThat(policy.notify(subscriptionOfA, RESOURCES.get("recordA")).allowed()).isTrue();
		assertThat(policy.notify(subscriptionOfA, RESOURCES.get("recordB")).allowed()).isFalse();
		assertThat(policy.notify(subscriptionOfA, RESOURCES.get("unlabelled")).allowed()).isFalse();
		assertThat(policy.notify(centreSubscription, RESOURCES.get("recordB")).allowed()).isTrue();
	}

	@Test
	void everyRefusalNamesItsRuleAndNeverDescribesWhatIsOutOfReach() {
		for (Actor actor : ACTORS.values()) {
			for (Membership resource : RESOURCES.values()) {
				for (Decision decision : List.of(policy.read(actor, resource),
						policy.change(actor, Interaction.UPDATE, resource.type(), resource, false))) {
					assertThat(decision.rule()).isNotBlank();
					if (decision.outcome() == Decision.Outcome.NOT_FOUND) {
						assertThat(decision.message()).as("a not-found refusal says nothing").isEmpty();
					} else if (!decision.allowed()) {
						assertThat(decision.describe()).startsWith("[" + decision.rule() + "] ");
					}
				}
			}
		}
	}

	/** Checks every cell of a grid; the failures name the cells. */
	private static void check(String grid, java.util.function.BiFunction<Actor, Membership, Decision> decide) {
		List<String> lines = grid.lines().filter(line -> !line.isBlank()).toList();
		List<String> columns = List.of(lines.get(0).trim().split("\\s+"));
		assertThat(columns).containsExactlyElementsOf(ACTORS.keySet());
		List<String> failures = new ArrayList<>();
		int cells = 0;
		for (String line : lines.subList(1, lines.size())) {
			String[] cellsOfRow = line.trim().split("\\s+");
			Membership resource = RESOURCES.get(cellsOfRow[0]);
			assertThat(resource).as(cellsOfRow[0]).isNotNull();
			for (int i = 0; i < columns.size(); i++) {
				Decision decision = decide.apply(ACTORS.get(columns.get(i)), resource);
				String got = switch (decision.outcome()) {
					case ALLOWED -> "Y";
					case NOT_FOUND -> "N";
					case FORBIDDEN -> "F";
					case INVALID -> "I";
				};
				cells++;
				if (!got.equals(cellsOfRow[i + 1])) {
					failures.add(cellsOfRow[0] + " × " + columns.get(i) + ": expected " + cellsOfRow[i + 1] + ", got " + got
							+ " (" + decision.rule() + ")");
				}
			}
		}
		assertThat(cells).isEqualTo((lines.size() - 1) * columns.size());
		assertThat(failures).isEmpty();
	}
}

package org.example.secondopinion.cases;

import ca.uhn.fhir.parser.IParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/**
 * The parts of a case's Task that the server keeps: the state (status, businessStatus, statusReason), who
 * reviews it (owner), when it is due (restriction), its priority (taken from the request), what it is for
 * (focus, for, basedOn: the case and its patient), the records still missing (input) and the opinion
 * (output). The rest (identifiers, notes, description, extensions) is the writer's own.
 *
 * <p>Many EHRs keep their own copy of the Task and send it back. An update that leaves a server-owned
 * field out, or carries a value the Task held in an earlier version, keeps the field as stored; only a
 * value the Task never had is a change, and {@code AccessPolicy.taskChange} judges that.
 */
public final class ServerOwnedTaskFields {

	private record Field(String name, Function<Task, List<? extends Base>> get, BiConsumer<Task, List<? extends Base>> set) {}

	@SuppressWarnings("unchecked")
	private static final List<Field> FIELDS = List.of(
			single("status", Task::getStatusElement, (task, value) -> task.setStatusElement((Enumeration<Task.TaskStatus>) value)),
			single("businessStatus", Task::getBusinessStatus, (task, value) -> task.setBusinessStatus((CodeableConcept) value)),
			single("statusReason", Task::getStatusReason, (task, value) -> task.setStatusReason((CodeableConcept) value)),
			single("owner", Task::getOwner, (task, value) -> task.setOwner((Reference) value)),
			single("restriction", Task::getRestriction, (task, value) -> task.setRestriction((Task.TaskRestrictionComponent) value)),
			single("priority", Task::getPriorityElement, (task, value) -> task.setPriorityElement((Enumeration<Task.TaskPriority>) value)),
			single("focus", Task::getFocus, (task, value) -> task.setFocus((Reference) value)),
			single("for", Task::getFor, (task, value) -> task.setFor((Reference) value)),
			new Field("basedOn", Task::getBasedOn, (task, values) -> task.setBasedOn(copies(values, Reference.class))),
			new Field("input", Task::getInput, (task, values) -> task.setInput(copies(values, Task.ParameterComponent.class))),
			new Field("output", Task::getOutput, (task, values) -> task.setOutput(copies(values, Task.TaskOutputComponent.class))));

	private ServerOwnedTaskFields() {}

	/**
	 * Puts the stored value back into each server-owned field the update leaves out or sends as it was in
	 * an earlier version; a field sent with a value the Task never held stays as sent.
	 *
	 * @param earlierVersions the Task's stored versions, asked for only when a field differs from the stored one
	 */
	public static void keepStored(Task stored, Task sent, Supplier<List<Task>> earlierVersions) {
		List<Task> history = null;
		for (Field field : FIELDS) {
			List<? extends Base> sentValue = present(field.get().apply(sent));
			List<? extends Base> storedValue = present(field.get().apply(stored));
			boolean keep = sentValue.isEmpty() || sameValues(sentValue, storedValue);
			if (!keep) {
				if (history == null) {
					history = earlierVersions.get();
				}
				keep = history.stream().anyMatch(version -> sameValues(sentValue, present(field.get().apply(version))));
			}
			if (keep) {
				// also when equal: the stored form, so a value written differently (a time zone) compares equal later
				field.set().accept(sent, storedValue);
			}
		}
	}

	/** Each server-owned field's value, encoded so that equal values compare equal; an absent field is empty. */
	public static Map<String, String> encoded(Task task, IParser json) {
		Map<String, String> values = new LinkedHashMap<>();
		for (Field field : FIELDS) {
			StringBuilder encoded = new StringBuilder();
			present(field.get().apply(task)).forEach(value -> encoded.append(json.encodeToString(value)).append('\n'));
			values.put(field.name(), encoded.toString());
		}
		return values;
	}

	/** A field of at most one value; {@code set} is given a copy of the stored value, or null to clear the field. */
	private static Field single(String name, Function<Task, ? extends Base> get, BiConsumer<Task, Base> set) {
		return new Field(name, task -> List.of(get.apply(task)),
				(task, values) -> set.accept(task, values.isEmpty() ? null : values.get(0).copy()));
	}

	/** The values without the empty ones HAPI's getters create on access. */
	private static List<? extends Base> present(List<? extends Base> values) {
		return values.stream().filter(value -> value != null && !value.isEmpty()).toList();
	}

	private static boolean sameValues(List<? extends Base> a, List<? extends Base> b) {
		if (a.size() != b.size()) {
			return false;
		}
		for (int i = 0; i < a.size(); i++) {
			if (!a.get(i).equalsDeep(b.get(i))) {
				return false;
			}
		}
		return true;
	}

	private static <T extends Base> List<T> copies(List<? extends Base> values, Class<T> type) {
		List<T> copies = new ArrayList<>();
		values.forEach(value -> copies.add(type.cast(value.copy())));
		return copies;
	}
}

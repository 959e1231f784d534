package org.example.secondopinion.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A search of the audit trail, as SQL over {@code so_audit_event} and {@code so_audit_index}: every
 * condition must hold (FHIR's AND), and a condition holds when the event has one of its values (OR).
 * Newest first unless {@link #oldestFirst}; ties broken by the row id, so pages neither repeat nor skip.
 */
final class AuditQuery {

	/** One search parameter's values: an index row equal to one of them, or, for names, starting with one. */
	record Condition(String name, List<String> values, boolean prefix) {}

	private final List<Condition> conditions = new ArrayList<>();
	private final List<Long> ids = new ArrayList<>();
	private Instant from;
	private Instant to;
	private boolean oldestFirst;
	private boolean noneMatch;

	AuditQuery where(String name, List<String> values) {
		conditions.add(new Condition(name, values, false));
		return this;
	}

	AuditQuery whereStartsWith(String name, List<String> values) {
		conditions.add(new Condition(name, values, true));
		return this;
	}

	/** Only these ids; an id that is not a row number matches nothing. */
	AuditQuery withIds(List<String> values) {
		List<Long> wanted = new ArrayList<>();
		for (String value : values) {
			try {
				wanted.add(Long.parseLong(value));
			} catch (NumberFormatException notOurs) {
				// not an id this server gives: matches nothing
			}
		}
		if (wanted.isEmpty()) {
			noneMatch = true;
		}
		ids.addAll(wanted);
		return this;
	}

	AuditQuery recordedBetween(Instant from, Instant to) {
		this.from = from;
		this.to = to;
		return this;
	}

	AuditQuery oldestFirst(boolean oldestFirst) {
		this.oldestFirst = oldestFirst;
		return this;
	}

	boolean matchesNothing() {
		return noneMatch;
	}

	/** The SQL of one page: {@code limit} rows from {@code offset}. */
	String sql() {
		StringBuilder sql = new StringBuilder("SELECT e.id, e.event FROM so_audit_event e WHERE 1 = 1");
		if (!ids.isEmpty()) {
			sql.append(" AND e.id IN (").append(placeholders(ids.size())).append(")");
		}
		if (from != null) {
			sql.append(" AND e.recorded >= ?");
		}
		if (to != null) {
			sql.append(" AND e.recorded <= ?");
		}
		for (Condition condition : conditions) {
			sql.append(" AND EXISTS (SELECT 1 FROM so_audit_index i WHERE i.event_id = e.id AND i.param_name = ? AND (");
			for (int i = 0; i < condition.values().size(); i++) {
				sql.append(i == 0 ? "" : " OR ").append(condition.prefix() ? "i.param_value LIKE ? ESCAPE '\\'" : "i.param_value = ?");
			}
			sql.append("))");
		}
		String order = oldestFirst ? "ASC" : "DESC";
		return sql.append(" ORDER BY e.recorded ").append(order).append(", e.id ").append(order).append(" LIMIT ? OFFSET ?").toString();
	}

	/** The values of {@link #sql()}'s placeholders, in order. */
	List<Object> arguments(int offset, int limit) {
		List<Object> arguments = new ArrayList<>(ids);
		if (from != null) {
			arguments.add(from.toEpochMilli());
		}
		if (to != null) {
			arguments.add(to.toEpochMilli());
		}
		for (Condition condition : conditions) {
			arguments.add(condition.name());
			for (String value : condition.values()) {
				arguments.add(condition.prefix() ? escapeLike(AuditIndex.name(value)) + "%" : AuditIndex.truncate(value));
			}
		}
		arguments.add(limit);
		arguments.add(offset);
		return arguments;
	}

	private static String escapeLike(String value) {
		return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

	private static String placeholders(int count) {
		return String.join(", ", java.util.Collections.nCopies(count, "?"));
	}
}

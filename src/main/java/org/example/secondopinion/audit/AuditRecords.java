package org.example.secondopinion.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.example.secondopinion.config.Databases;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The audit trail's two tables in the server's database: {@code so_audit_event}, one row per AuditEvent
 * (its JSON), and {@code so_audit_index}, what each is searchable by ({@link AuditIndex}). Rows are only
 * ever inserted. The statements run on the calling thread's transaction when it has one (Spring binds
 * HAPI's JPA transaction to the same connection), so the record of a write commits or rolls back with it.
 */
public class AuditRecords {

	private final JdbcTemplate jdbc;
	private final FhirContext fhirContext;
	private final boolean postgreSql;

	public AuditRecords(DataSource dataSource, FhirContext fhirContext) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.fhirContext = fhirContext;
		this.postgreSql = Databases.isPostgreSql(jdbc);
	}

	/** Creates the tables if the database does not have them yet (H2 and PostgreSQL). */
	public void createTablesIfMissing() {
		jdbc.execute("CREATE SEQUENCE IF NOT EXISTS so_audit_event_id");
		jdbc.execute("CREATE TABLE IF NOT EXISTS so_audit_event ("
				+ " id BIGINT PRIMARY KEY,"
				+ " recorded BIGINT NOT NULL,"
				+ " event " + (postgreSql ? "TEXT" : "CLOB") + " NOT NULL)");
		jdbc.execute("CREATE TABLE IF NOT EXISTS so_audit_index ("
				+ " event_id BIGINT NOT NULL,"
				+ " param_name VARCHAR(20) NOT NULL,"
				+ " param_value VARCHAR(" + AuditIndex.VALUE_LENGTH + ") NOT NULL)");
		jdbc.execute("CREATE INDEX IF NOT EXISTS so_audit_event_recorded ON so_audit_event (recorded, id)");
		jdbc.execute("CREATE INDEX IF NOT EXISTS so_audit_index_value ON so_audit_index (param_name, param_value, event_id)");
		jdbc.execute("CREATE INDEX IF NOT EXISTS so_audit_index_event ON so_audit_index (event_id)");
	}

	/** Stores the events, each given its id; two batched statements whatever their number. */
	public void insert(List<AuditEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		List<Long> ids = nextIds(events.size());
		IParser json = fhirContext.newJsonParser(); // a parser is not for several threads at once
		List<Object[]> rows = new ArrayList<>(events.size());
		List<Object[]> indexRows = new ArrayList<>();
		for (int i = 0; i < events.size(); i++) {
			AuditEvent event = events.get(i);
			long id = ids.get(i);
			if (!event.hasRecorded()) {
				event.setRecorded(new Date());
			}
			rows.add(new Object[] {id, event.getRecorded().getTime(), json.encodeResourceToString(event)});
			for (AuditIndex.Entry entry : AuditIndex.of(event)) {
				indexRows.add(new Object[] {id, entry.name(), entry.value()});
			}
		}
		jdbc.batchUpdate("INSERT INTO so_audit_event (id, recorded, event) VALUES (?, ?, ?)", rows);
		jdbc.batchUpdate("INSERT INTO so_audit_index (event_id, param_name, param_value) VALUES (?, ?, ?)", indexRows);
	}

	public Optional<AuditEvent> read(long id) {
		return jdbc.query("SELECT id, event FROM so_audit_event WHERE id = ?", (row, number) -> event(row.getLong(1), row.getString(2)), id)
				.stream().findFirst();
	}

	/** One page of a search: at most {@code limit} events from {@code offset}. */
	public List<AuditEvent> search(AuditQuery query, int offset, int limit) {
		if (query.matchesNothing()) {
			return List.of();
		}
		return jdbc.query(query.sql(), (row, number) -> event(row.getLong(1), row.getString(2)),
				query.arguments(offset, limit).toArray());
	}

	private AuditEvent event(long id, String text) {
		AuditEvent event = fhirContext.newJsonParser().parseResource(AuditEvent.class, text);
		event.setId(String.valueOf(id));
		event.getMeta().setVersionId("1").setLastUpdated(event.getRecorded());
		return event;
	}

	private List<Long> nextIds(int count) {
		String sql = postgreSql
				? "SELECT nextval('so_audit_event_id') FROM generate_series(1, ?)"
				: "SELECT NEXT VALUE FOR so_audit_event_id FROM SYSTEM_RANGE(1, ?)";
		return jdbc.query((Connection connection) -> {
			PreparedStatement statement = connection.prepareStatement(sql);
			statement.setInt(1, count);
			return statement;
		}, (row, number) -> row.getLong(1));
	}
}

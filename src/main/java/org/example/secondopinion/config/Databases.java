package org.example.secondopinion.config;

import java.sql.Connection;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the tables of our own need to know of the database they are created in. */
public final class Databases {

	private Databases() {}

	/** PostgreSQL rather than H2: the two differ in column types and sequence syntax. */
	public static boolean isPostgreSql(JdbcTemplate jdbc) {
		return Boolean.TRUE.equals(jdbc.execute((Connection connection) ->
				connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres")));
	}
}

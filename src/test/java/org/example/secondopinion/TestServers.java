package org.example.secondopinion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A server started by a test itself (in the test's JVM), for tests that need more than the one shared
 * server: a restart, two nodes. Notifications to http://localhost are allowed and retried within seconds.
 */
public final class TestServers {

	private TestServers() {}

	/** @param database command-line settings of the database, e.g. {@link TestDatabase#postgreSqlArguments} */
	public static ConfigurableApplicationContext start(List<String> database, Path dataDir) {
		// Command-line arguments, since they take precedence over application.yaml.
		List<String> arguments = new ArrayList<>(database);
		arguments.addAll(List.of(
				"--server.port=0",
				"--second-opinion.data-dir=" + dataDir.toAbsolutePath(),
				"--logging.level.root=WARN",
				"--second-opinion.notifications.development=true",
				// these tests are about restarts and nodes; tokens are tested on the shared server
				"--second-opinion.security.development-without-authentication=true",
				"--second-opinion.notifications.retry.initial-delay=200ms",
				"--second-opinion.notifications.retry.max-delay=500ms",
				"--second-opinion.notifications.poll-interval=200ms"));
		return new SpringApplicationBuilder(SecondOpinionServerApplication.class).run(arguments.toArray(String[]::new));
	}
}

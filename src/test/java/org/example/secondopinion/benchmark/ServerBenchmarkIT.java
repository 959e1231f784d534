package org.example.secondopinion.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.example.secondopinion.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * A small run of the server benchmark on the database the tests run on (H2, then PostgreSQL), to prove
 * the command works; no timing is asserted.
 */
class ServerBenchmarkIT {

	@Test
	void theBenchmarkRunsAndReportsEveryFigure() throws Exception {
		ServerBenchmark.Settings settings = new ServerBenchmark.Settings(
				20, 2, TestDatabase.isPostgreSql() ? "postgresql" : "h2", 8L << 20, 3, 10, 30,
				!TestDatabase.isPostgreSql()); // the archive's start once per build is enough: it takes a minute or two

		ServerBenchmark.Report report = ServerBenchmark.run(settings);
		ServerBenchmark.print(settings, report, System.out);

		assertThat(report.startupSeconds()).isPositive();
		assertThat(report.rssAfterStartup()).isPositive();
		assertThat(report.rssAfterLoad()).isPositive();
		assertThat(report.casesPerSecond()).isPositive();
		assertThat(report.submissions()).hasSize(20);
		assertThat(report.plainSubmissions()).hasSize(9);
		assertThat(report.storedCases()).isEqualTo(30);
		assertThat(report.worklist()).hasSize(10);
		assertThat(report.worklistNewQueries()).hasSize(10);
		assertThat(report.caseBundle()).hasSize(10);
		assertThat(report.uploadMbPerSecond()).isPositive();
		assertThat(report.downloadMbPerSecond()).isPositive();
		assertThat(report.notifications()).hasSize(3);
		if (settings.classDataArchive()) {
			assertThat(report.archivedStartupSeconds()).isPositive();
		} else {
			assertThat(report.archivedStartupSeconds()).isNaN();
		}
	}
}

package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TurnaroundPolicyTest {

	private static final Instant SUBMITTED = Instant.parse("2025-03-03T09:00:00Z");

	@ParameterizedTest(name = "{0} is due at {1}")
	@CsvSource({
			"routine, 2025-03-13T09:00:00Z",
			"urgent,  2025-03-06T09:00:00Z",
			"asap,    2025-03-04T09:00:00Z",
			"stat,    2025-03-03T13:00:00Z"})
	void theDueDateFollowsThePriority(String priority, Instant due) {
		assertThat(new TurnaroundPolicy().dueFrom(SUBMITTED, priority)).isEqualTo(due);
	}

	@ParameterizedTest(name = "priority \"{0}\" is routine")
	@NullSource
	@ValueSource(strings = {"", "whenever"})
	void aMissingOrUnknownPriorityIsRoutine(String priority) {
		assertThat(new TurnaroundPolicy().dueFrom(SUBMITTED, priority)).isEqualTo(Instant.parse("2025-03-13T09:00:00Z"));
	}

	@Test
	void aPriorityIsReadWhateverItsCase() {
		assertThat(new TurnaroundPolicy().turnaround(" URGENT ")).isEqualTo(Duration.ofDays(3));
	}

	@Test
	void aConfiguredTurnaroundReplacesOnlyItsOwnDefault() {
		TurnaroundPolicy policy = new TurnaroundPolicy(Map.of("routine", Duration.ofDays(14)));

		assertThat(policy.dueFrom(SUBMITTED, "routine")).isEqualTo(SUBMITTED.plus(Duration.ofDays(14)));
		assertThat(policy.dueFrom(SUBMITTED, "unknown")).isEqualTo(SUBMITTED.plus(Duration.ofDays(14)));
		assertThat(policy.dueFrom(SUBMITTED, "stat")).isEqualTo(SUBMITTED.plus(Duration.ofHours(4)));
	}

	@Test
	void aTurnaroundMustBePositive() {
		assertThatThrownBy(() -> new TurnaroundPolicy(Map.of("urgent", Duration.ZERO)))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("urgent");
	}
}

package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CaseStateTest {

	@ParameterizedTest(name = "{0} is written as businessStatus {1}, Task.status {2}, ServiceRequest.status {3}")
	@CsvSource({
			"SUBMITTED,            submitted,            requested,   active",
			"AWAITING_RECORDS,     awaiting-records,     received,    active",
			"TRIAGE,               triage,               received,    active",
			"ASSIGNED,             assigned,             accepted,    active",
			"IN_REVIEW,            in-review,            in-progress, active",
			"AWAITING_INFORMATION, awaiting-information, on-hold,     active",
			"COMPLETED,            completed,            completed,   completed",
			"REJECTED,             rejected,             rejected,    revoked",
			"CANCELLED,            cancelled,            cancelled,   revoked"})
	void eachStateKnowsItsFhirCodes(CaseState state, String businessStatus, String taskStatus, String requestStatus) {
		assertThat(state.businessStatus()).isEqualTo(businessStatus);
		assertThat(state.taskStatus()).isEqualTo(taskStatus);
		assertThat(state.requestStatus()).isEqualTo(requestStatus);
	}

	@ParameterizedTest(name = "{0} is found again from its businessStatus code")
	@EnumSource(CaseState.class)
	void eachStateIsFoundFromItsBusinessStatusCode(CaseState state) {
		assertThat(CaseState.fromBusinessStatus(state.businessStatus())).contains(state);
	}

	@Test
	void anUnknownOrMissingBusinessStatusCodeIsNoState() {
		assertThat(CaseState.fromBusinessStatus("in-progress")).isEmpty();
		assertThat(CaseState.fromBusinessStatus("IN_REVIEW")).isEmpty();
		assertThat(CaseState.fromBusinessStatus(null)).isEmpty();
	}

	@Test
	void onlyCompletedRejectedAndCancelledAreTerminal() {
		assertThat(Arrays.stream(CaseState.values()).filter(CaseState::isTerminal))
				.containsExactlyInAnyOrder(CaseState.COMPLETED, CaseState.REJECTED, CaseState.CANCELLED);
		assertThat(Arrays.stream(CaseState.values())).allMatch(state -> state.isOpen() != state.isTerminal());
	}

	@Test
	void openCasesHaveTheTaskStatusesOfUnfinishedWorkEachOnce() {
		assertThat(CaseState.openTaskStatuses())
				.containsExactlyInAnyOrder("requested", "received", "accepted", "in-progress", "on-hold");
	}

	@Test
	void theBusinessStatusSystemIsOurCodeSystem() {
		assertThat(CaseState.BUSINESS_STATUS_SYSTEM)
				.isEqualTo("https://second-opinion.example.org/fhir/CodeSystem/so-business-status");
	}
}

package org.example.secondopinion.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.notify.NotificationReceiver;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A small run of the notification latency benchmark, to prove it works; no timing is asserted. */
class NotificationLatencyIT extends FhirServerIT {

	@Autowired
	private SubscriptionRegistry registry;

	@Test
	void theBenchmarkMeasuresOneLatencyPerSubmittedCase() {
		try (NotificationReceiver receiver = NotificationReceiver.start()) {
			NotificationLatency.Result result = new NotificationLatency(baseUrl(), receiver, id -> registry.get(id) != null).run(5);

			assertThat(result.notificationMillis()).hasSize(5).allSatisfy(latency -> assertThat(latency).isNotNegative());
			assertThat(result.submissionMillis()).hasSize(5).allSatisfy(latency -> assertThat(latency).isPositive());
			assertThat(result.notificationsReceived()).isGreaterThanOrEqualTo(5);
		}
	}
}

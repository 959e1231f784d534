package org.example.secondopinion.notify;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** What the delivery log says about a failed attempt, for failures as HAPI's client wraps them. */
class DeliveryErrorTest {

	private static final String ENDPOINT = "https://ehr.example.org/notify";

	@Test
	void aRefusedConnectionIsNamedWithTheEndpointNotAsAParseFailure() {
		assertThat(DeliveryError.describe(wrapped(new ConnectException("Connection refused")), ENDPOINT))
				.isEqualTo("Connection refused: " + ENDPOINT);
	}

	@Test
	void aTimeoutAndAnUnknownHostSayWhatHappened() {
		assertThat(DeliveryError.describe(wrapped(new SocketTimeoutException("Read timed out")), ENDPOINT))
				.isEqualTo("Timed out (Read timed out): " + ENDPOINT);
		assertThat(DeliveryError.describe(wrapped(new UnknownHostException("ehr.example.org")), ENDPOINT))
				.isEqualTo("Unknown host ehr.example.org: " + ENDPOINT);
	}

	@Test
	void anErrorStatusCarriesTheEndpointsAnswer() {
		UnclassifiedServerFailureException unavailable = new UnclassifiedServerFailureException(503, "HTTP 503 Service Unavailable");
		unavailable.setResponseBody("Down for maintenance until 09:00\n");
		assertThat(DeliveryError.describe(unavailable, ENDPOINT))
				.isEqualTo("HTTP 503 from " + ENDPOINT + ": Down for maintenance until 09:00");
	}

	private static FhirClientConnectionException wrapped(Exception cause) {
		return new FhirClientConnectionException("HAPI-1361: Failed to parse response from server when performing POST to URL "
				+ ENDPOINT + " - " + cause, cause);
	}
}

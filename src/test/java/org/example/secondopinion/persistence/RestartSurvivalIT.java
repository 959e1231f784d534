package org.example.secondopinion.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.example.secondopinion.TestDatabase;
import org.example.secondopinion.TestServers;
import java.time.Duration;
import java.time.Instant;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import org.example.secondopinion.notify.NotificationReceiver;
import org.example.secondopinion.notify.TestSubscriptions;
import org.hl7.fhir.r4.model.Subscription;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Data written to the database (the H2 file, or PostgreSQL) is there after a restart, loading the implementation guide
 * again at the second start changes nothing, and a notification that could not be delivered before
 * the restart is delivered after it, once. The second start has {@code second-opinion.fhir.offset-paging: false}:
 * searches are then paged by HAPI's stored searches ({@code _getpages}) instead of by offset.
 */
class RestartSurvivalIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private static final String PATIENTS = "https://restart.example.org/id/patient";

	@Test
	void dataAndPendingNotificationsSurviveARestartAndTheGuideIsNotLoadedTwice() throws Exception {
		Path dataDir = Files.createTempDirectory(Path.of("target"), "restart-data-");
		List<String> database = TestDatabase.serverArguments(); // the same database for both starts
		String patientId;
		String profileVersion;

		try (NotificationReceiver ehr = NotificationReceiver.start()) {
			ehr.goDown();
			try (ConfigurableApplicationContext server = start(dataDir, database)) {
				IGenericClient client = client(server);
				subscribeToNewPatients(server, client, ehr);
				Patient patient = new Patient();
				patient.addIdentifier().setSystem(PATIENTS).setValue("P-1");
				patient.addName().setFamily("Persistent").addGiven("Paula");
				patientId = client.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
				profileVersion = requestProfile(client).getMeta().getVersionId();
				assertThat(firstPageOfProfiles(client).getLink(Bundle.LINK_NEXT).getUrl()).contains("_offset=");
				awaitRefusedAttempts(ehr);
			}
			ehr.comeBack();

			List<String> storedSearches = new ArrayList<>(database);
			storedSearches.add("--second-opinion.fhir.offset-paging=false");
			try (ConfigurableApplicationContext server = start(dataDir, storedSearches)) {
				IGenericClient client = client(server);
				Bundle first = firstPageOfProfiles(client);
				assertThat(first.getLink(Bundle.LINK_NEXT).getUrl()).as("a stored search's page link").contains("_getpages=");
				Bundle second = client.loadPage().next(first).execute();
				assertThat(second.getEntry()).singleElement().satisfies(entry -> assertThat(entry.getResource().getIdElement().getIdPart())
						.isNotEqualTo(first.getEntryFirstRep().getResource().getIdElement().getIdPart()));

				Patient read = client.read().resource(Patient.class).withUrl(patientId).execute();
				assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Persistent");
				assertThat(requestProfile(client).getMeta().getVersionId()).isEqualTo(profileVersion);

				String path = "/ehr/" + patientId;
				ehr.awaitReceived(path, received -> !received.isEmpty(), Duration.ofSeconds(60));
				NotificationReceiver.pause(Duration.ofSeconds(2));
				assertThat(ehr.received(path)).as("delivered once after the restart").hasSize(1);
			}
		}
	}

	private static void subscribeToNewPatients(ConfigurableApplicationContext server, IGenericClient client, NotificationReceiver ehr) {
		Subscription subscription = TestSubscriptions.criteria("Patient?identifier=" + PATIENTS + "|", ehr.url("/ehr"));
		String id = client.create().resource(subscription).execute().getId().getIdPart();
		TestSubscriptions.awaitRegistered(server.getBean(SubscriptionRegistry.class), id, Duration.ofSeconds(30), "subscription active");
	}

	private static void awaitRefusedAttempts(NotificationReceiver ehr) {
		Instant deadline = Instant.now().plusSeconds(30);
		while (ehr.refusedCount() < 2 && Instant.now().isBefore(deadline)) {
			NotificationReceiver.pause(Duration.ofMillis(50));
		}
		assertThat(ehr.refusedCount()).as("delivery attempted while the endpoint was down").isGreaterThanOrEqualTo(2);
	}

	private static ConfigurableApplicationContext start(Path dataDir, List<String> database) {
		return TestServers.start(database, dataDir);
	}

	private static IGenericClient client(ConfigurableApplicationContext server) {
		int port = ((WebServerApplicationContext) server).getWebServer().getPort();
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir");
	}

	private static Bundle firstPageOfProfiles(IGenericClient client) {
		return client.search().forResource(StructureDefinition.class).count(1).returnBundle(Bundle.class).execute();
	}

	private static StructureDefinition requestProfile(IGenericClient client) {
		Bundle found = client.search().forResource(StructureDefinition.class)
				.where(StructureDefinition.URL.matches().value(SecondOpinionIg.REQUEST))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		return (StructureDefinition) found.getEntryFirstRep().getResource();
	}
}

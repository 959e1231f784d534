package org.example.secondopinion.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import org.example.secondopinion.SecondOpinionServerApplication;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Data written to the H2 file database is there after a restart, and loading the implementation
 * guide again at the second start changes nothing.
 */
class RestartSurvivalIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void dataSurvivesARestartAndTheGuideIsNotLoadedTwice() throws Exception {
		Path dataDir = Files.createTempDirectory(Path.of("target"), "restart-data-");
		String patientId;
		String profileVersion;

		try (ConfigurableApplicationContext server = start(dataDir)) {
			IGenericClient client = client(server);
			Patient patient = new Patient();
			patient.addName().setFamily("Persistent").addGiven("Paula");
			patientId = client.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
			profileVersion = requestProfile(client).getMeta().getVersionId();
		}

		try (ConfigurableApplicationContext server = start(dataDir)) {
			IGenericClient client = client(server);
			Patient read = client.read().resource(Patient.class).withUrl(patientId).execute();
			assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Persistent");
			assertThat(requestProfile(client).getMeta().getVersionId()).isEqualTo(profileVersion);
		}
	}

	private static ConfigurableApplicationContext start(Path dataDir) {
		// Command-line arguments, since they take precedence over application.yaml.
		return new SpringApplicationBuilder(SecondOpinionServerApplication.class).run(
				"--server.port=0",
				"--second-opinion.data-dir=" + dataDir.toAbsolutePath(),
				"--logging.level.root=WARN");
	}

	private static IGenericClient client(ConfigurableApplicationContext server) {
		int port = ((WebServerApplicationContext) server).getWebServer().getPort();
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		return FHIR.newRestfulGenericClient("http://localhost:" + port + "/fhir");
	}

	private static StructureDefinition requestProfile(IGenericClient client) {
		Bundle found = client.search().forResource(StructureDefinition.class)
				.where(StructureDefinition.URL.matches().value(SecondOpinionIg.REQUEST))
				.returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		return (StructureDefinition) found.getEntryFirstRep().getResource();
	}
}

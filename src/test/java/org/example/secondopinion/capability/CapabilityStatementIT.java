package org.example.secondopinion.capability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.example.secondopinion.FhirServerIT;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** Integration engineers learn what we expect from the CapabilityStatement and the served profiles. */
class CapabilityStatementIT extends FhirServerIT {

	@Test
	void listsEachOfOurProfilesAsSupportedProfileOfItsResource() {
		CapabilityStatement capabilities = client().capabilities().ofType(CapabilityStatement.class).execute();

		assertThat(supportedProfiles(capabilities, "ServiceRequest")).contains(SecondOpinionIg.REQUEST);
		assertThat(supportedProfiles(capabilities, "DocumentReference")).contains(SecondOpinionIg.RECORD);
		assertThat(supportedProfiles(capabilities, "Task")).contains(SecondOpinionIg.TASK);
		assertThat(supportedProfiles(capabilities, "DiagnosticReport")).contains(SecondOpinionIg.OPINION);
		assertThat(supportedProfiles(capabilities, "Communication")).contains(SecondOpinionIg.COMMUNICATION);
		assertThat(supportedProfiles(capabilities, "PractitionerRole")).contains(SecondOpinionIg.EXPERT);
	}

	@Test
	void servesEachProfileByUrlWithAGeneratedSnapshot() {
		for (String url : List.of(SecondOpinionIg.REQUEST, SecondOpinionIg.OPINION, SecondOpinionIg.EXPERT)) {
			Bundle found = client().search().forResource(StructureDefinition.class)
					.where(StructureDefinition.URL.matches().value(url))
					.returnBundle(Bundle.class).execute();
			assertThat(found.getEntry()).as(url).hasSize(1);
			StructureDefinition profile = (StructureDefinition) found.getEntryFirstRep().getResource();
			assertThat(profile.getSnapshot().getElement()).as(url).hasSizeGreaterThan(profile.getDifferential().getElement().size());
		}
	}

	@Test
	void advertisesTransactionBatchAndConditionalCreate() {
		CapabilityStatement capabilities = client().capabilities().ofType(CapabilityStatement.class).execute();
		CapabilityStatement.CapabilityStatementRestComponent rest = capabilities.getRestFirstRep();

		assertThat(rest.getInteraction()).extracting(i -> i.getCode().toCode()).contains("transaction", "batch");
		assertThat(rest.getResource()).filteredOn(r -> r.getType().equals("ServiceRequest"))
				.singleElement()
				.satisfies(resource -> assertThat(resource.getConditionalCreate()).isTrue());
		assertThat(capabilities.getFormat()).extracting(format -> format.getValue()).contains("application/fhir+xml", "application/fhir+json");
	}

	@Test
	void listsOnlyTheOperationsSomeRoleMayRun() {
		CapabilityStatement capabilities = client().capabilities().ofType(CapabilityStatement.class).execute();
		CapabilityStatement.CapabilityStatementRestComponent rest = capabilities.getRestFirstRep();
		List<String> listed = rest.getResource().stream()
				.flatMap(resource -> resource.getOperation().stream().map(operation -> resource.getType() + "/$" + operation.getName()))
				.toList();

		assertThat(rest.getOperation()).as("operations on the whole server").isEmpty();
		assertThat(listed).contains("ServiceRequest/$case", "ServiceRequest/$assign", "Subscription/$delivery-log",
						"Patient/$everything", "ServiceRequest/$validate")
				.doesNotContain("Patient/$expunge", "Patient/$meta", "Patient/$meta-add", "Patient/$hapi.fhir.merge",
						"Encounter/$everything", "ValueSet/$expand", "Observation/$lastn");
		// what is left out is what the coordinator, who may most, is refused
		assertThat(as(coordinatorToken(), "GET", "/$get-resource-counts", null).statusCode()).isEqualTo(403);
		assertThat(as(coordinatorToken(), "GET", "/Encounter/x/$everything", null).statusCode()).isEqualTo(403);
	}

	private static List<String> supportedProfiles(CapabilityStatement capabilities, String type) {
		return capabilities.getRestFirstRep().getResource().stream()
				.filter(resource -> resource.getType().equals(type))
				.flatMap(resource -> resource.getSupportedProfile().stream())
				.map(CanonicalType::getValue)
				.toList();
	}
}

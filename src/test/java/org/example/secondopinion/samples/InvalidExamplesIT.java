package org.example.secondopinion.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.util.UrlUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.example.secondopinion.FhirServerIT;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in sample-bundles/invalid/ gets the answer its README table documents: the status, an
 * OperationOutcome naming the element or rule, and nothing of it stored. The table is the test's
 * input, so the documentation cannot drift from the server's behaviour.
 */
class InvalidExamplesIT extends FhirServerIT {

	/** One row of the table in sample-bundles/invalid/README.md. */
	record InvalidExample(String file, String path, String contentType, int status, String named) {
		@Override
		public String toString() {
			return file;
		}
	}

	static Stream<InvalidExample> documentedExamples() {
		List<InvalidExample> examples = SampleBundles.read(SampleBundles.INVALID.resolve("README.md")).lines()
				.filter(line -> line.startsWith("| `"))
				.map(InvalidExamplesIT::parseRow)
				.toList();
		assertThat(examples).hasSizeGreaterThanOrEqualTo(6);
		return examples.stream();
	}

	@ParameterizedTest
	@MethodSource("documentedExamples")
	void isRejectedAsDocumentedAndNothingIsStored(InvalidExample example) throws IOException {
		Path file = SampleBundles.INVALID.resolve(example.file());
		String body = SampleBundles.read(file);
		HttpResponse<String> response = post(example.path().equals("/") ? "" : example.path(), example.contentType(), body);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(example.status());
		OperationOutcome outcome = (OperationOutcome) (example.contentType().contains("xml")
				? FHIR.newXmlParser().parseResource(response.body())
				: FHIR.newJsonParser().parseResource(response.body()));
		assertThat(outcome.getIssue()).isNotEmpty();
		assertThat(describe(outcome)).containsIgnoringCase(example.named());
		assertThat(response.body()).doesNotContain("root:").doesNotContain("at org.").doesNotContain("at ca.uhn");
		assertThat(storedIdentifiers(body)).as("resources of %s stored", example.file()).isEmpty();
	}

	@Test
	void anInvalidEntryOfATransactionIsNamedByItsIndexAndFullUrl() {
		String patient = "urn:uuid:" + UUID.randomUUID();
		String invalidOrder = "urn:uuid:" + UUID.randomUUID();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl(patient).setResource(new Patient().addName(new HumanName().setFamily("Entry")))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(labOrder(patient))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
		transaction.addEntry().setFullUrl(invalidOrder).setResource(labOrder(patient).setSubject(null))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");

		HttpResponse<String> response = post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(transaction));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
		OperationOutcome.OperationOutcomeIssueComponent issue = FHIR.newJsonParser()
				.parseResource(OperationOutcome.class, response.body()).getIssueFirstRep();
		assertThat(issue.getDiagnostics()).contains("Bundle.entry[2]").contains("fullUrl " + invalidOrder)
				.contains("ServiceRequest.subject");
		assertThat(issue.getExpression()).extracting(StringType::getValue).first().asString().startsWith("Bundle.entry[2].resource");
	}

	@Test
	void aRecordSentBeforeItsRequestIsToldWhatToDo() throws IOException {
		DocumentReference record = (DocumentReference) FHIR.newJsonParser()
				.parseResource(SampleBundles.read(SampleBundles.INVALID.resolve("05-record-without-content.json")));
		record.getIdentifierFirstRep().setValue(UUID.randomUUID().toString());
		record.getContentFirstRep().getAttachment().setData("MRI: a mass of the thigh".getBytes(StandardCharsets.UTF_8));
		String unknown = "ServiceRequest?identifier=https://invalid-examples.example.org/id/order|" + UUID.randomUUID();
		record.getContext().getRelated().set(0, new Reference(unknown));

		HttpResponse<String> response = post("/DocumentReference", "application/fhir+json",
				FHIR.newJsonParser().encodeResourceToString(record));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
		String diagnostics = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body())
				.getIssueFirstRep().getDiagnostics();
		assertThat(diagnostics).contains("HAPI-1091").contains("No ServiceRequest matches " + unknown)
				.contains("send the ServiceRequest it refers to first").contains("ServiceRequest.supportingInfo");
	}

	private static ServiceRequest labOrder(String patient) {
		ServiceRequest order = new ServiceRequest()
				.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE)
				.setIntent(ServiceRequest.ServiceRequestIntent.ORDER)
				.setSubject(new Reference(patient));
		order.getCode().setText("Full blood count");
		return order;
	}

	private static String describe(OperationOutcome outcome) {
		StringBuilder text = new StringBuilder();
		outcome.getIssue().forEach(issue -> {
			text.append(issue.getDiagnostics()).append(' ');
			issue.getExpression().forEach(expression -> text.append(expression.getValue()).append(' '));
			issue.getLocation().forEach(location -> text.append(location.getValue()).append(' '));
		});
		return text.toString();
	}

	/** The resources of the file (found by their business identifiers) that the server has stored. */
	private List<String> storedIdentifiers(String body) throws IOException {
		List<String> stored = new ArrayList<>();
		JsonNode root;
		try {
			root = new ObjectMapper().readTree(body);
		} catch (IOException notJson) {
			return stored;
		}
		List<JsonNode> resources = new ArrayList<>();
		if (root.has("entry")) {
			root.get("entry").forEach(entry -> resources.add(entry.get("resource")));
		} else {
			resources.add(root);
		}
		for (JsonNode resource : resources) {
			if (resource == null || !resource.has("identifier") || !resource.has("resourceType")) {
				continue;
			}
			JsonNode identifier = resource.get("identifier").get(0);
			String token = identifier.path("system").asText() + "|" + identifier.path("value").asText();
			String type = resource.get("resourceType").asText();
			if (FHIR.getResourceTypes().contains(type) && count(type + "?identifier=" + UrlUtil.escapeUrlParam(token)) > 0) {
				stored.add(type + " " + token);
			}
		}
		return stored;
	}

	private static InvalidExample parseRow(String row) {
		String[] cells = Stream.of(row.split("\\|"))
				.map(String::trim)
				.filter(cell -> !cell.isEmpty())
				.map(cell -> cell.replaceAll("^`([^`]*)`.*$", "$1"))
				.toArray(String[]::new);
		return new InvalidExample(cells[0], cells[1], cells[2], Integer.parseInt(cells[3]), cells[4]);
	}
}

package org.example.secondopinion.samples;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.util.UrlUtil;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The sample bundles post as they are, in name order, as sample-bundles/README.md says. This class
 * runs first (see junit-platform.properties), so it meets the empty database a new user has.
 */
@org.junit.jupiter.api.Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleBundlesIT extends FhirServerIT {

	@Test
	@Order(1)
	void everySampleBundlePostsInNameOrderAndCreatesEveryEntry() {
		List<Path> files = SampleBundles.validFiles();
		assertThat(files).hasSizeGreaterThanOrEqualTo(6);
		for (Path file : files) {
			Bundle response = postTransaction(file);
			for (BundleEntryComponent entry : response.getEntry()) {
				assertThat(entry.getResponse().getStatus())
						.as("%s: %s", file.getFileName(), entry.getResponse().getLocation())
						.startsWith("201");
			}
		}
	}

	@Test
	@Order(2)
	void postingASampleAgainCreatesNothingNew() {
		for (Path file : SampleBundles.validFiles()) {
			Bundle response = postTransaction(file);
			assertThat(response.getEntry())
					.as(file.getFileName().toString())
					.allSatisfy(entry -> assertThat(entry.getResponse().getStatus()).startsWith("200"));
		}
	}

	@Test
	@Order(3)
	void theOpinionsAreSearchableByConcordance() {
		Bundle changed = client().search().byUrl("DiagnosticReport?concordance=changed")
				.returnBundle(Bundle.class).execute();
		assertThat(changed.getEntry())
				.extracting(entry -> ((DiagnosticReport) entry.getResource()).getConclusion())
				.anySatisfy(conclusion -> assertThat(conclusion).containsIgnoringCase("liposarcoma"));
		assertThat(count("DiagnosticReport?concordance=refined")).isGreaterThanOrEqualTo(1);
		assertThat(count("DiagnosticReport?concordance=confirmed")).isGreaterThanOrEqualTo(1);
	}

	@Test
	@Order(4)
	void theRequestSentWithoutItsPathologyReportHasItOnceTheLaterBundleArrives() {
		Bundle requests = client().search()
				.byUrl("ServiceRequest?identifier=" + UrlUtil.escapeUrlParam(incompleteRequestIdentifier()))
				.returnBundle(Bundle.class).execute();
		assertThat(requests.getEntry()).hasSize(1);
		String requestId = requests.getEntryFirstRep().getResource().getIdElement().toUnqualifiedVersionless().getValue();
		assertThat(count("DocumentReference?related=" + requestId + "&type=" + UrlUtil.escapeUrlParam("http://loinc.org|11526-1")))
				.isEqualTo(1);
	}

	@Test
	@Order(5)
	void theSarcomaCasesStructuredRecordsAreGroupedInTheCaseAndCitedByItsOpinion() {
		String lindqvist = expertToken("expert-lindqvist");
		HttpResponse<String> found = as(lindqvist, "GET", "/ServiceRequest?identifier=https://st-elsewhere.example.org/id/order|ORD-2026-04417", null);
		String request = FHIR.newJsonParser().parseResource(Bundle.class, found.body()).getEntryFirstRep().getResource()
				.getIdElement().toUnqualifiedVersionless().getValue();

		HttpResponse<String> view = as(lindqvist, "GET", "/" + request + "/$case", null);
		assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
		Bundle wholeCase = FHIR.newJsonParser().parseResource(Bundle.class, view.body());
		Map<String, List<String>> groups = new java.util.TreeMap<>();
		Map<String, String> typeOf = new java.util.HashMap<>();
		for (BundleEntryComponent entry : wholeCase.getEntry()) {
			String id = entry.getResource().getIdElement().toUnqualifiedVersionless().getValue();
			typeOf.put(id, entry.getResource().fhirType());
			var group = entry.getExtensionByUrl("https://second-opinion.example.org/fhir/StructureDefinition/so-record-group");
			if (group != null) {
				groups.computeIfAbsent(group.getValue().primitiveValue(), key -> new java.util.ArrayList<>()).add(entry.getResource().fhirType());
			}
		}
		assertThat(groups.get("procedures")).containsExactly("Procedure");
		assertThat(groups.get("results")).containsExactlyInAnyOrder("DiagnosticReport", "Specimen", "Observation", "Observation", "Observation");
		assertThat(groups.get("imaging")).containsExactlyInAnyOrder("ImagingStudy", "DiagnosticReport");

		DiagnosticReport opinion = wholeCase.getEntry().stream().map(BundleEntryComponent::getResource)
				.filter(resource -> resource instanceof DiagnosticReport report && report.hasBasedOn())
				.map(DiagnosticReport.class::cast).findFirst().orElseThrow();
		List<String> reviewed = opinion.getExtensionsByUrl("https://second-opinion.example.org/fhir/StructureDefinition/so-records-reviewed")
				.stream().map(extension -> ((org.hl7.fhir.r4.model.Reference) extension.getValue()).getReference()).toList();
		assertThat(reviewed).as("each cited record is one of the case's").allSatisfy(id -> assertThat(typeOf).containsKey(id));
		assertThat(reviewed).extracting(typeOf::get)
				.contains("DocumentReference", "Procedure", "DiagnosticReport", "ImagingStudy");
	}

	private String incompleteRequestIdentifier() {
		Bundle bundle = SampleBundles.parse(FHIR, SampleBundles.FOLDER.resolve("08-incomplete-request.json"));
		return bundle.getEntry().stream()
				.filter(entry -> "ServiceRequest".equals(entry.getResource().fhirType()))
				.map(entry -> entry.getRequest().getIfNoneExist().substring("identifier=".length()))
				.findFirst()
				.orElseThrow();
	}

	private Bundle postTransaction(Path file) {
		String bundle = SampleBundles.read(file);
		String name = file.getFileName().toString();
		// each file is posted by the actor who would send it, as dev-clients/post-samples.sh does: the
		// coordinator loads the directory, the assigned expert sends questions and opinions
		HttpResponse<String> response = name.startsWith("01-") ? postDirectory(bundle)
				: SampleBundles.expertWhoSends(name).map(expert -> as(expertToken(expert), "POST", "", bundle))
						.orElseGet(() -> post("", "application/fhir+json", bundle));
		assertThat(response.statusCode()).as("%s: %s", name, response.body()).isEqualTo(200);
		return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
	}
}

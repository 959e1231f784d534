package org.example.secondopinion.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.example.secondopinion.FhirServerIT;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Searches page by offset: following the next links returns every match exactly once, in order. */
class OffsetPagingIT extends FhirServerIT {

	@Test
	void followingNextLinksReturnsEveryMatchOnce() {
		String family = "Paging-" + UUID.randomUUID();
		List<String> created = createPatients(family, 7, i -> "19" + (50 + i) + "-01-01");

		List<Bundle> pages = allPages(client(), "Patient?family=" + family + "&_count=3");

		assertThat(pages).hasSize(3);
		String next = pages.get(0).getLink(Bundle.LINK_NEXT).getUrl();
		assertThat(next).contains("_offset=3").contains("family=" + family);
		// the server narrows an EHR's searches to its organisation's label: not the link's business
		assertThat(next).doesNotContain("_security");
		assertThat(ids(pages)).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
	}

	@Test
	void tiesInTheSortNeitherRepeatNorSkipAResourceAcrossPages() {
		String family = "Paging-" + UUID.randomUUID();
		List<String> created = createPatients(family, 9, i -> "1970-05-05");

		List<Bundle> pages = allPages(client(), "Patient?family=" + family + "&_sort=-birthdate&_count=2");

		assertThat(pages).hasSize(5);
		assertThat(ids(pages)).containsExactlyInAnyOrderElementsOf(created).doesNotHaveDuplicates();
	}

	@Test
	void theClientsSortOrderIsKept() {
		String family = "Paging-" + UUID.randomUUID();
		createPatients(family, 5, i -> "19" + (60 + i) + "-03-03");

		List<Bundle> pages = allPages(client(), "Patient?family=" + family + "&_sort=-birthdate&_count=2");

		List<String> birthDates = pages.stream().flatMap(page -> page.getEntry().stream())
				.map(entry -> ((Patient) entry.getResource()).getBirthDateElement().getValueAsString()).toList();
		assertThat(birthDates).containsExactly("1964-03-03", "1963-03-03", "1962-03-03", "1961-03-03", "1960-03-03");
	}

	@Test
	void aPageThatHoldsEveryMatchSaysHowManyThereAre() {
		String family = "Paging-" + UUID.randomUUID();
		createPatients(family, 2, i -> "1980-01-0" + (i + 1));

		Bundle only = client().search().byUrl("Patient?family=" + family).returnBundle(Bundle.class).execute();

		assertThat(only.getEntry()).hasSize(2);
		assertThat(only.getTotal()).isEqualTo(2);
		assertThat(only.getLink(Bundle.LINK_NEXT)).isNull();
	}

	private List<String> createPatients(String family, int count, java.util.function.IntFunction<String> birthDate) {
		return IntStream.range(0, count).mapToObj(i -> {
			Patient patient = new Patient();
			patient.addName().setFamily(family).addGiven("P" + i);
			patient.setBirthDateElement(new DateType(birthDate.apply(i)));
			return client().create().resource(patient).execute().getId().getIdPart();
		}).toList();
	}

	private static List<Bundle> allPages(IGenericClient client, String search) {
		List<Bundle> pages = new ArrayList<>();
		Bundle page = client.search().byUrl(search).returnBundle(Bundle.class).execute();
		pages.add(page);
		while (page.getLink(Bundle.LINK_NEXT) != null && pages.size() < 20) {
			page = client.loadPage().next(page).execute();
			pages.add(page);
		}
		return pages;
	}

	private static List<String> ids(List<Bundle> pages) {
		return pages.stream().flatMap(page -> page.getEntry().stream())
				.map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
	}
}

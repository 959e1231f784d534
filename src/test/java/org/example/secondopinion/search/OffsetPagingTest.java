package org.example.secondopinion.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetPagingTest {

	private final OffsetPaging paging = new OffsetPaging(200);

	@Test
	void aFirstPageStartsAtOffsetZero() {
		Map<String, String[]> parameters = rewritten(Map.of("family", new String[] {"Osei"}));

		assertThat(parameters.get("_offset")).containsExactly("0");
		assertThat(parameters.get("family")).containsExactly("Osei");
	}

	@Test
	void aLaterPageKeepsItsOffset() {
		assertThat(rewritten(Map.of("_offset", new String[] {"40"}, "_count", new String[] {"20"})).get("_offset"))
				.containsExactly("40");
	}

	@Test
	void theDatabaseIdBreaksTiesAfterTheClientsSort() {
		SearchParameterMap unsorted = offsetSearch(null);
		SearchParameterMap byDue = offsetSearch(new SortSpec("due").setChain(new SortSpec("status")));

		paging.breakTies(clientSearch(), unsorted);
		paging.breakTies(clientSearch(), byDue);

		assertThat(unsorted.getSort().getParamName()).isEqualTo("_pid");
		assertThat(byDue.getSort().getParamName()).isEqualTo("due");
		assertThat(byDue.getSort().getChain().getParamName()).isEqualTo("status");
		assertThat(byDue.getSort().getChain().getChain().getParamName()).isEqualTo("_pid");
		assertThat(byDue.getSort().getChain().getChain().getChain()).isNull();
	}

	@Test
	void searchesTheServerMakesItselfAreLeftAlone() {
		SearchParameterMap noOffset = new SearchParameterMap();
		SearchParameterMap notTheClients = offsetSearch(null);

		paging.breakTies(clientSearch(), noOffset);
		paging.breakTies(new SystemRequestDetails(), notTheClients);

		assertThat(noOffset.getSort()).isNull();
		assertThat(notTheClients.getSort()).isNull();
	}

	@Test
	void aCountAboveTheMaximumPageSizeKeepsHapisStoredSearch() {
		Map<String, String[]> asked = Map.of("_count", new String[] {"201"});

		assertThat(rewritten(asked)).isEqualTo(asked);
		assertThat(rewritten(Map.of("_count", new String[] {"200"}))).containsKey("_offset");
		assertThat(rewritten(Map.of("_count", new String[] {"many"}))).doesNotContainKey("_offset");
	}

	@Test
	void onlyTypeSearchesArePaged() {
		SystemRequestDetails request = new SystemRequestDetails();
		request.setParameters(Map.of("_count", new String[] {"5"}));

		for (RestOperationTypeEnum operation : new RestOperationTypeEnum[] {RestOperationTypeEnum.SEARCH_SYSTEM,
				RestOperationTypeEnum.READ, RestOperationTypeEnum.GET_PAGE, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE}) {
			paging.pageByOffset(request, operation);
		}

		assertThat(request.getParameters()).containsOnlyKeys("_count");
	}

	@Test
	void pageLinksCarryTheClientsParametersNotTheNarrowing() {
		Map<String, String[]> client = new java.util.TreeMap<>(Map.of("owner", new String[] {"PractitionerRole/7"},
				"status", new String[] {"accepted,in-progress"}, "_sort", new String[] {"due"}));
		String hapi = "https://so.example.org/fhir/Task?_id=Task%2F1%2CTask%2F2&_sort=due%2C_pid&owner=PractitionerRole%2F7"
				+ "&status=accepted%2Cin-progress&_count=20&_offset=40";

		assertThat(OffsetPaging.pageUrl(hapi, client)).isEqualTo(
				"https://so.example.org/fhir/Task?_sort=due&owner=PractitionerRole%2F7&status=accepted%2Cin-progress&_count=20&_offset=40");
	}

	@Test
	void storedSearchLinksAreLeftAsHapiWroteThem() {
		String stored = "https://so.example.org/fhir?_getpages=6c133c61&_getpagesoffset=20&_count=20&_bundletype=searchset";

		assertThat(OffsetPaging.pageUrl(stored, Map.of("family", new String[] {"Osei"}))).isEqualTo(stored);
	}

	private static SearchParameterMap offsetSearch(SortSpec sort) {
		SearchParameterMap search = new SearchParameterMap();
		search.setOffset(0);
		search.setCount(20);
		search.setSort(sort);
		return search;
	}

	private SystemRequestDetails clientSearch() {
		SystemRequestDetails request = new SystemRequestDetails();
		request.setRestOperationType(RestOperationTypeEnum.SEARCH_TYPE);
		request.setParameters(Map.of());
		paging.rememberClientParameters(request);
		return request;
	}

	private Map<String, String[]> rewritten(Map<String, String[]> parameters) {
		SystemRequestDetails request = new SystemRequestDetails();
		request.setParameters(parameters);
		paging.pageByOffset(request, RestOperationTypeEnum.SEARCH_TYPE);
		return request.getParameters();
	}
}

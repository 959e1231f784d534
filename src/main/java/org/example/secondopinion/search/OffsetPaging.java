package org.example.secondopinion.search;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.util.UrlUtil;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Runs each search page as its own database query (HAPI's {@code _offset} paging) instead of HAPI's
 * default, which stores every search and its result ids (HFJ_SEARCH, HFJ_SEARCH_RESULT) from a
 * background thread and pages from there. A worklist is read far more often than it is paged
 * through: storing each search made it slower and left rows for a cleanup job to delete.
 *
 * <p>Pages are read afresh, not from a snapshot: a resource that changes between two page reads can
 * move between pages. Each page is sorted by the client's {@code _sort}, then by the database id, so
 * that the pages of resources that stay put neither repeat nor skip one. (HAPI's REST layer ignores a
 * {@code _pid} or {@code _id} in {@code _sort} here, so the tie-breaker is added to the search itself.)
 *
 * <p>A {@code _count} above the maximum page size keeps HAPI's stored search: the direct query would
 * load every resource the client asked for before the page limit trims the answer.
 *
 * <p>HAPI writes the page links from the parameters the search ran with, which by then include those
 * the server added to narrow the search to what the caller may see (an expert's assigned Tasks, an
 * EHR's organisation label). The links are rewritten from the client's own parameters, so that they
 * neither disclose the narrowing nor carry it into the next page's request.
 */
@Interceptor
public class OffsetPaging {

	/** HAPI's sort on the database id ({@code RES_ID}), the tie-breaker it uses itself. */
	static final String DATABASE_ID = "_pid";

	private static final String CLIENT_PARAMETERS = OffsetPaging.class.getName() + ".clientParameters";

	private final int maxPageSize;

	public OffsetPaging(int maxPageSize) {
		this.maxPageSize = maxPageSize;
	}

	/** Before the search narrowing (same pointcut, default order) adds its parameters. */
	@Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -100)
	public void rememberClientParameters(RequestDetails request) {
		if (request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE) {
			request.getUserData().put(CLIENT_PARAMETERS, new TreeMap<>(request.getParameters()));
		}
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void pageByOffset(RequestDetails request, RestOperationTypeEnum operation) {
		if (operation != RestOperationTypeEnum.SEARCH_TYPE || !withinPageLimit(request.getParameters())) {
			return;
		}
		Map<String, String[]> parameters = new HashMap<>(request.getParameters());
		parameters.putIfAbsent(Constants.PARAM_OFFSET, new String[] {"0"});
		request.setParameters(parameters);
	}

	/** Only the client's search: searches the server makes while answering it have no offset. */
	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void breakTies(RequestDetails request, SearchParameterMap search) {
		if (request == null || !request.getUserData().containsKey(CLIENT_PARAMETERS) || !search.isOffsetQuery()) {
			return;
		}
		SortSpec last = null;
		for (SortSpec key = search.getSort(); key != null; key = key.getChain()) {
			if (DATABASE_ID.equals(key.getParamName())) {
				return;
			}
			last = key;
		}
		if (last == null) {
			search.setSort(new SortSpec(DATABASE_ID));
		} else {
			last.setChain(new SortSpec(DATABASE_ID));
		}
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void linkWithClientParameters(RequestDetails request, ResponseDetails response) {
		@SuppressWarnings("unchecked")
		Map<String, String[]> client = (Map<String, String[]>) request.getUserData().get(CLIENT_PARAMETERS);
		if (client != null && response.getResponseResource() instanceof Bundle bundle) {
			bundle.getLink().forEach(link -> link.setUrl(pageUrl(link.getUrl(), client)));
		}
	}

	private boolean withinPageLimit(Map<String, String[]> parameters) {
		String[] count = parameters.get(Constants.PARAM_COUNT);
		if (count == null || count.length == 0) {
			return true;
		}
		try {
			return Integer.parseInt(count[0].trim()) <= maxPageSize;
		} catch (NumberFormatException notANumber) {
			return false; // HAPI answers it as it would have
		}
	}

	/** The link's address and page ({@code _count}, {@code _offset}) with the client's parameters; other links as they are. */
	static String pageUrl(String link, Map<String, String[]> client) {
		int query = link == null ? -1 : link.indexOf('?');
		if (query < 0) {
			return link;
		}
		Map<String, String[]> page = UrlUtil.parseQueryString(link.substring(query + 1));
		if (!page.containsKey(Constants.PARAM_OFFSET)) {
			return link; // HAPI's stored search (_getpages): nothing of the search in it
		}
		StringJoiner parameters = new StringJoiner("&");
		client.forEach((name, values) -> {
			if (!name.equals(Constants.PARAM_OFFSET) && !name.equals(Constants.PARAM_COUNT)) {
				Arrays.stream(values).forEach(value -> parameters.add(UrlUtil.escapeUrlParam(name) + "=" + UrlUtil.escapeUrlParam(value)));
			}
		});
		for (String name : new String[] {Constants.PARAM_COUNT, Constants.PARAM_OFFSET}) {
			String[] values = page.get(name);
			if (values != null && values.length > 0) {
				parameters.add(name + "=" + UrlUtil.escapeUrlParam(values[0]));
			}
		}
		return link.substring(0, query + 1) + parameters;
	}
}

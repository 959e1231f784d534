package org.example.secondopinion.audit;

import ca.uhn.fhir.model.api.IQueryParameterOr;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.model.api.annotation.Description;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;

/**
 * The audit trail as FHIR AuditEvents: read by id, and searched by what {@link AuditIndex} stores.
 * The trail is not kept in HAPI's resource storage ({@link AuditRecords}), so this provider, not HAPI's,
 * answers {@code /AuditEvent}. What it returns passes the storage pointcuts HAPI's storage calls before it
 * returns resources ({@link ShownAsStored}), so the access policy decides who sees it (coordinators) and the
 * coordinator's reading of the trail is itself recorded. There is no create, update or delete: the server
 * alone writes the trail.
 */
public class AuditEventProvider implements IResourceProvider {

	/** Read once from {@link #search}'s own annotations: the parameters it takes are those it lists. */
	private static final Set<String> SEARCH_PARAMETERS = Arrays.stream(AuditEventProvider.class.getMethods())
			.filter(method -> method.isAnnotationPresent(Search.class))
			.flatMap(method -> Arrays.stream(method.getParameterAnnotations()))
			.flatMap(Arrays::stream).filter(OptionalParam.class::isInstance).map(annotation -> ((OptionalParam) annotation).name())
			.collect(Collectors.toUnmodifiableSet());

	private final AuditRecords records;
	private final ShownAsStored shown;
	private final int defaultPageSize;
	private final int maxPageSize;

	public AuditEventProvider(AuditRecords records, ShownAsStored shown, int defaultPageSize, int maxPageSize) {
		this.records = records;
		this.shown = shown;
		this.defaultPageSize = defaultPageSize;
		this.maxPageSize = maxPageSize;
	}

	@Override
	public Class<? extends IBaseResource> getResourceType() {
		return AuditEvent.class;
	}

	@Read
	public AuditEvent read(@IdParam IdType id, RequestDetails request) {
		AuditEvent event;
		try {
			event = records.read(Long.parseLong(id.getIdPart())).orElseThrow(() -> notFound(id));
		} catch (NumberFormatException notOurs) {
			throw notFound(id);
		}
		return shown.single(event, request).orElseThrow(() -> notFound(id));
	}

	/** The names of the search parameters {@link #search} takes, as the CapabilityStatement lists them. */
	public static Set<String> searchParameterNames() {
		return SEARCH_PARAMETERS;
	}


	@Search
	public IBundleProvider search(
			@Description(shortDefinition = "The event's id") @OptionalParam(name = "_id") TokenAndListParam ids,
			@Description(shortDefinition = "The client id of an agent") @OptionalParam(name = "altid") TokenAndListParam altId,
			@Description(shortDefinition = "An agent, by reference or identifier value") @OptionalParam(name = "agent") ReferenceAndListParam agent,
			@Description(shortDefinition = "A patient the event concerns") @OptionalParam(name = "patient") ReferenceAndListParam patient,
			@Description(shortDefinition = "A resource the event concerns") @OptionalParam(name = "entity") ReferenceAndListParam entity,
			@Description(shortDefinition = "The start of an entity's name (the request line of a refused request)")
			@OptionalParam(name = "entity-name") StringAndListParam entityName,
			@Description(shortDefinition = "When the event was recorded") @OptionalParam(name = "date") DateRangeParam date,
			@Description(shortDefinition = "When the event was recorded") @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
			@Description(shortDefinition = "The event type (rest)") @OptionalParam(name = "type") TokenAndListParam type,
			@Description(shortDefinition = "The REST interaction (read, search-type, create, ...)") @OptionalParam(name = "subtype") TokenAndListParam subtype,
			@Description(shortDefinition = "C, R, U, D or E") @OptionalParam(name = "action") TokenAndListParam action,
			@Description(shortDefinition = "0 success, 4 refused, 8 server error") @OptionalParam(name = "outcome") TokenAndListParam outcome,
			@Description(shortDefinition = "The server that recorded it") @OptionalParam(name = "source") ReferenceAndListParam source,
			@Sort SortSpec sort,
			@Count Integer count,
			@Offset Integer offset,
			RequestDetails request) {
		AuditQuery query = new AuditQuery();
		tokens(ids, TokenParam::getValue).forEach(query::withIds);
		tokens(altId, TokenParam::getValue).forEach(values -> query.where("altid", values));
		references(agent, null).forEach(values -> query.where("agent", values));
		references(patient, "Patient").forEach(values -> query.where("patient", values));
		references(entity, null).forEach(values -> query.where("entity", values));
		references(source, null).forEach(values -> query.where("source", values));
		if (entityName != null) {
			entityName.getValuesAsQueryTokens().forEach(or -> query.whereStartsWith("entity-name",
					or.getValuesAsQueryTokens().stream().map(StringParam::getValue).toList()));
		}
		tokens(type, AuditEventProvider::code).forEach(values -> query.where("type", values));
		tokens(subtype, AuditEventProvider::code).forEach(values -> query.where("subtype", values));
		tokens(action, TokenParam::getValue).forEach(values -> query.where("action", values));
		tokens(outcome, TokenParam::getValue).forEach(values -> query.where("outcome", values));
		DateRangeParam recorded = date != null ? date : lastUpdated;
		if (recorded != null) {
			query.recordedBetween(recorded.getLowerBoundAsInstant() == null ? null : recorded.getLowerBoundAsInstant().toInstant(),
					recorded.getUpperBoundAsInstant() == null ? null : recorded.getUpperBoundAsInstant().toInstant());
		}
		query.oldestFirst(oldestFirst(sort));
		int pageSize = count == null ? defaultPageSize : Math.max(0, Math.min(count, maxPageSize));
		// OffsetPaging adds _offset to the request after HAPI has read this method's arguments
		Integer pageOffset = offset != null ? offset : RestfulServerUtils.tryToExtractNamedParameter(request, Constants.PARAM_OFFSET);
		if (pageOffset == null) {
			// HAPI's stored-search paging (offset paging off, or a _count above the page limit) cannot page
			// what it does not store: the first page alone, up to the page limit
			return new SimpleBundleProvider(shown.list(records.search(query, 0, pageSize), request));
		}
		return new AuditEventPage(records, shown, request, query, Math.max(0, pageOffset), pageSize);
	}

	/** Newest first unless the client sorts by date ascending; nothing else to sort by. */
	private static boolean oldestFirst(SortSpec sort) {
		if (sort == null) {
			return false;
		}
		if (sort.getChain() != null || !List.of("date", "_lastUpdated").contains(sort.getParamName())) {
			throw new InvalidRequestException("AuditEvents are sorted by date only (_sort=date or _sort=-date)");
		}
		return sort.getOrder() != SortOrderEnum.DESC;
	}

	private static String code(TokenParam token) {
		return token.getSystem() == null || token.getSystem().isEmpty() ? token.getValue() : token.getSystem() + "|" + token.getValue();
	}

	private static List<List<String>> tokens(TokenAndListParam and, Function<TokenParam, String> value) {
		return and == null ? List.of() : and.getValuesAsQueryTokens().stream().map(or -> values(or, value)).toList();
	}

	private static List<List<String>> references(ReferenceAndListParam and, String defaultType) {
		return and == null ? List.of() : and.getValuesAsQueryTokens().stream()
				.map(or -> values(or, (ReferenceParam reference) -> reference(reference, defaultType))).toList();
	}

	private static String reference(ReferenceParam reference, String defaultType) {
		String value = reference.getValue();
		if (value.contains("/")) {
			return AuditIndex.reference(value);
		}
		String type = reference.getResourceType() != null ? reference.getResourceType() : defaultType;
		return type == null ? value : type + "/" + value;
	}

	private static <T extends ca.uhn.fhir.model.api.IQueryParameterType> List<String> values(IQueryParameterOr<T> or, Function<T, String> value) {
		return or.getValuesAsQueryTokens().stream().map(value).toList();
	}

	private static ResourceNotFoundException notFound(IdType id) {
		return new ResourceNotFoundException("AuditEvent/" + id.getIdPart() + " is not in the audit trail");
	}
}

package org.example.secondopinion.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import ca.uhn.fhir.util.UrlUtil;
import ca.uhn.fhir.interceptor.auth.CompartmentSearchParameterModifications;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Coding;

/**
 * Records who read, searched, created, updated or deleted what, as IHE's Basic Audit Log Patterns (BALP)
 * describe, with HAPI's definitions of the BALP profiles ({@link BalpProfileEnum}): a read or search of a
 * patient's data gives one record per patient concerned (a search page of 45 patients gives 45), anything
 * else one basic record; a write gives one record naming the resource and every patient it concerns.
 *
 * <p>Written here rather than taken from HAPI's BALP interceptor, which makes the same records: that one
 * builds each record from nothing, parsing the same one-line narrative with a new XHTML parser every time,
 * which was a sixth of the CPU time of a search of 45 patients. Here what the records of one search page
 * share (their agents, the server, the request id, the query) is made once and copied into each, and
 * a record carries no narrative: it is optional and said nothing a reader needs. One difference in what is
 * recorded: a patient is named by their id without version, so a search page holding 45 requests and their
 * 45 patients ({@code _include}) has 45 records, not 90.
 */
@Interceptor
public class AuditCapture {

	private static final String REQUEST_ID_SYSTEM = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";

	private final Consumer<AuditEvent> trail;
	private final IBalpAuditContextServices context;

	public AuditCapture(Consumer<AuditEvent> trail, IBalpAuditContextServices context) {
		this.trail = trail;
		this.context = context;
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void shown(IPreResourceShowDetails shown, ServletRequestDetails request) {
		if (request == null) {
			return;
		}
		switch (request.getRestOperationType()) {
			case SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE -> searched(shown.getAllResources(), request);
			case READ, VREAD -> {
				IBaseResource resource = shown.size() == 1 ? shown.getResource(0) : null;
				if (resource != null) {
					read(resource, request);
				}
			}
			default -> {
				// as HAPI's BALP interceptor: an operation's first answer ($everything, ...) is not a read or
				// search; its further pages are (GET_PAGE)
			}
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource resource, ServletRequestDetails request) {
		written(resource, request, BalpProfileEnum.BASIC_CREATE, BalpProfileEnum.PATIENT_CREATE);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, ServletRequestDetails request) {
		written(resource, request, BalpProfileEnum.BASIC_UPDATE, BalpProfileEnum.PATIENT_UPDATE);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, ServletRequestDetails request) {
		written(resource, request, BalpProfileEnum.BASIC_DELETE, BalpProfileEnum.PATIENT_DELETE);
	}

	private void searched(List<IBaseResource> page, ServletRequestDetails request) {
		Set<String> patients = new TreeSet<>();
		page.forEach(resource -> patients.addAll(patientsOf(resource, request)));
		recordPerPatient(request, patients, BalpProfileEnum.BASIC_QUERY, BalpProfileEnum.PATIENT_QUERY, event -> {});
	}

	private void read(IBaseResource resource, ServletRequestDetails request) {
		String id = idOf(resource, request);
		recordPerPatient(request, patientsOf(resource, request), BalpProfileEnum.BASIC_READ, BalpProfileEnum.PATIENT_READ,
				event -> addData(event, id));
	}

	/**
	 * One basic record when no patient is concerned, else one per patient. What those share is made once
	 * for this read or search page and copied into each; not kept with the request, as a batch's entries
	 * share their request's data and HAPI runs a batch's reads and searches in parallel.
	 */
	private void recordPerPatient(ServletRequestDetails request, Set<String> patients, BalpProfileEnum basic,
			BalpProfileEnum ofPatient, Consumer<AuditEvent> details) {
		if (patients.isEmpty()) {
			AuditEvent event = sharedPart(request, basic);
			details.accept(event);
			trail.accept(event);
			return;
		}
		AuditEvent shared = sharedPart(request, ofPatient);
		for (String patient : patients) {
			AuditEvent event = shared.copy();
			event.setRecorded(new Date());
			details.accept(event);
			addPatient(event, patient);
			trail.accept(event);
		}
	}

	private void written(IBaseResource resource, ServletRequestDetails request, BalpProfileEnum basic, BalpProfileEnum ofPatients) {
		if (request == null) {
			return;
		}
		Set<String> patients = patientsOf(resource, request);
		AuditEvent event = sharedPart(request, patients.isEmpty() ? basic : ofPatients);
		addData(event, idOf(resource, request));
		patients.forEach(patient -> addPatient(event, patient));
		trail.accept(event);
	}

	/** What every record of this read, search page or write has, stamped now. */
	private AuditEvent sharedPart(ServletRequestDetails request, BalpProfileEnum profile) {
		AuditEvent event = new AuditEvent();
		event.setRecorded(new Date());
		event.getMeta().addProfile(profile.getProfileUrl());
		event.getType().setSystem(BalpConstants.CS_AUDIT_EVENT_TYPE).setCode("rest").setDisplay("Restful Operation");
		String interaction = (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE
				? RestOperationTypeEnum.SEARCH_TYPE : request.getRestOperationType()).getCode();
		event.addSubtype().setSystem(BalpConstants.CS_RESTFUL_INTERACTION).setCode(interaction).setDisplay(interaction);
		event.setAction(profile.getAction());
		event.setOutcome(AuditEvent.AuditEventOutcome._0);
		String server = request.getFhirServerBase();
		event.getSource().getObserver().setDisplay(server);

		String address = context.getNetworkAddress(request);
		AuditEvent.AuditEventAgentComponent client = event.addAgent().setRequestor(false);
		client.setWho(context.getAgentClientWho(request));
		client.getWho().setDisplay(address);
		client.getType().addCoding(profile.getAgentClientTypeCoding());
		client.getNetwork().setAddress(address).setType(context.getNetworkAddressType(request));

		AuditEvent.AuditEventAgentComponent serverAgent = event.addAgent().setRequestor(false);
		serverAgent.getType().addCoding(profile.getAgentServerTypeCoding());
		serverAgent.getWho().setDisplay(server);
		serverAgent.getNetwork().setAddress(server);

		AuditEvent.AuditEventAgentComponent user = event.addAgent().setRequestor(true);
		user.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"));
		user.setWho(context.getAgentUserWho(request));

		event.addEntity().getType().setSystem(REQUEST_ID_SYSTEM).setCode("XrequestId");
		event.getEntity().get(0).getWhat().getIdentifier().setValue(request.getRequestId());

		if (profile == BalpProfileEnum.BASIC_QUERY || profile == BalpProfileEnum.PATIENT_QUERY) {
			AuditEventEntityComponent query = event.addEntity();
			query.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE)
					.setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
					.setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
			query.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE).setCode(BalpConstants.CS_OBJECT_ROLE_24_QUERY).setDisplay("Query");
			query.setDescription(request.getRequestType().name() + " " + request.getCompleteUrl());
			query.setQuery(queryOf(request).getBytes(StandardCharsets.UTF_8));
		}
		return event;
	}

	/** The search as the server understood it: its base, path and every parameter, encoded. */
	private static String queryOf(ServletRequestDetails request) {
		String parameters = request.getParameters().entrySet().stream()
				.flatMap(parameter -> java.util.Arrays.stream(parameter.getValue())
						.map(value -> UrlUtil.escapeUrlParam(parameter.getKey()) + "=" + UrlUtil.escapeUrlParam(value)))
				.collect(Collectors.joining("&"));
		String query = request.getFhirServerBase() + "/" + request.getRequestPath();
		return parameters.isEmpty() ? query : query + "?" + parameters;
	}

	/** The resource read or written. */
	private static void addData(AuditEvent event, String id) {
		addEntity(event, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY,
				BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE, BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE_DISPLAY, id);
	}

	/** A patient the record concerns. */
	private static void addPatient(AuditEvent event, String patient) {
		addEntity(event, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON_DISPLAY,
				BalpConstants.CS_OBJECT_ROLE_1_PATIENT, BalpConstants.CS_OBJECT_ROLE_1_PATIENT_DISPLAY, patient);
	}

	private static void addEntity(AuditEvent event, String type, String typeDisplay, String role, String roleDisplay, String reference) {
		AuditEventEntityComponent entity = event.addEntity();
		entity.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(type).setDisplay(typeDisplay);
		entity.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE).setCode(role).setDisplay(roleDisplay);
		entity.getWhat().setReference(reference);
	}

	private String idOf(IBaseResource resource, ServletRequestDetails request) {
		return context.massageResourceIdForStorage(request, resource, resource.getIdElement());
	}

	/**
	 * The patients whose compartment the resource is in: itself for a Patient. By id without version, so that
	 * a page holding a patient's request and the patient itself (an {@code _include}) has one record of them.
	 */
	private Set<String> patientsOf(IBaseResource resource, ServletRequestDetails request) {
		FhirContext fhirContext = request.getFhirContext();
		String type = fhirContext.getResourceType(resource);
		if ("Patient".equals(type)) {
			return Set.of(context.massageResourceIdForStorage(request, resource, resource.getIdElement().toVersionless()));
		}
		if (fhirContext.getResourceDefinition(type).getSearchParamsForCompartmentName("Patient").isEmpty()) {
			return Set.of();
		}
		return fhirContext.newTerser()
				.getCompartmentOwnersForResource("Patient", resource,
						CompartmentSearchParameterModifications.fromAdditionalAndOmittedSPNames(type, Set.of(), Set.of()))
				.stream()
				.map(owner -> context.massageResourceIdForStorage(request, resource, owner.toVersionless()))
				.collect(Collectors.toCollection(TreeSet::new));
	}
}

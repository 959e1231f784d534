package org.example.secondopinion.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.executor.InterceptorService;
import ca.uhn.fhir.rest.api.InterceptorInvocationTimingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The audit capture makes the records HAPI's BALP interceptor makes, field for field but the narrative, for
 * each kind of request: reads and searches of a patient's data and of other data, pages of a search,
 * creates, updates and deletes. Both are driven through HAPI's interceptor service with the same request.
 */
class AuditCaptureTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Date RECORDED = new Date(1_700_000_000_000L);

	private final List<AuditEvent> ours = new ArrayList<>();
	private final List<AuditEvent> hapis = new ArrayList<>();
	private final InterceptorService capture = new InterceptorService();
	private final InterceptorService balp = new InterceptorService();

	AuditCaptureTest() {
		capture.registerInterceptor(new AuditCapture(ours::add, new TokenAuditContext()));
		balp.registerInterceptor(new BalpAuditCaptureInterceptor(hapis::add, new TokenAuditContext()));
	}

	@Test
	void readsOfAPatientsDataAndOfOtherData() {
		shown(request(RestOperationTypeEnum.READ, "Condition/7", Map.of()), condition("7", "Patient/1"));
		shown(request(RestOperationTypeEnum.READ, "Patient/1", Map.of()), patient("1"));
		shown(request(RestOperationTypeEnum.VREAD, "Organization/3/_history/2", Map.of()), organization("3"));

		assertSameRecords(3);
	}

	@Test
	void aSearchPageGivesOneRecordPerPatientAndOneOfOtherDataOnly() {
		Map<String, String[]> parameters = new LinkedHashMap<>();
		parameters.put("status", new String[] {"active"});
		parameters.put("_include", new String[] {"ServiceRequest:subject"});
		shown(request(RestOperationTypeEnum.SEARCH_TYPE, "ServiceRequest", parameters),
				request("11", "Patient/1"), request("12", "Patient/2"), patient("1"), patient("2"));
		shown(request(RestOperationTypeEnum.GET_PAGE, "", Map.of("_getpages", new String[] {"abc"})), request("13", "Patient/3"));
		shown(request(RestOperationTypeEnum.SEARCH_TYPE, "Organization", Map.of("name", new String[] {"St Elsewhere & co"})),
				organization("3"));
		shown(request(RestOperationTypeEnum.SEARCH_TYPE, "Patient", Map.of("family", new String[] {"nobody"})));

		assertSameRecords(5);
	}

	@Test
	void aPatientOnAPageByItselfAndThroughTheirRequestHasOneRecord() {
		Patient included = patient("1");
		included.setId("Patient/1/_history/3");
		shown(request(RestOperationTypeEnum.SEARCH_TYPE, "ServiceRequest", Map.of("_include", new String[] {"ServiceRequest:subject"})),
				request("11", "Patient/1"), included);

		assertThat(ours).singleElement().satisfies(event -> assertThat(event.getEntity())
				.filteredOn(entity -> "1".equals(entity.getRole().getCode()))
				.extracting(entity -> entity.getWhat().getReference())
				.containsExactly("Patient/1"));
		assertThat(hapis).as("HAPI's records name the patient twice, with and without version").hasSize(2);
	}

	@Test
	void writesNameTheResourceAndEveryPatientItConcerns() {
		ServletRequestDetails request = request(RestOperationTypeEnum.TRANSACTION, "", Map.of());
		Condition condition = condition("7", "Patient/1");
		condition.addEvidence().addDetail(new Reference("Patient/2"));
		written(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, request, condition);
		written(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, request, organization("3"));
		written(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, request, patient("1"));
		written(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED, request, request("11", "Patient/1"));

		assertSameRecords(4);
	}

	private void assertSameRecords(int count) {
		assertThat(ours).hasSize(count);
		assertThat(hapis.stream().map(AuditCaptureTest::comparable).toList())
				.isEqualTo(ours.stream().map(AuditCaptureTest::comparable).toList());
		assertThat(ours).allSatisfy(event -> assertThat(event.getRecorded()).isNotNull());
	}

	/** Its JSON with the time it was made fixed and without HAPI's narrative. */
	private static String comparable(AuditEvent event) {
		AuditEvent copy = event.copy();
		copy.setRecorded(RECORDED);
		copy.setText(null);
		return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(copy);
	}

	private void shown(ServletRequestDetails request, IBaseResource... resources) {
		for (InterceptorService service : List.of(capture, balp)) {
			service.callHooks(Pointcut.STORAGE_PRESHOW_RESOURCES, new HookParams()
					.add(IPreResourceShowDetails.class, new SimplePreResourceShowDetails(List.of(resources)))
					.add(RequestDetails.class, request)
					.add(ServletRequestDetails.class, request));
		}
	}

	private void written(Pointcut pointcut, ServletRequestDetails request, IBaseResource resource) {
		for (InterceptorService service : List.of(capture, balp)) {
			HookParams params = new HookParams().add(IBaseResource.class, resource);
			if (pointcut == Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED) {
				params.add(IBaseResource.class, resource);
			}
			if (pointcut == Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED) {
				params.add(IIdType.class, resource.getIdElement());
			}
			service.callHooks(pointcut, params
					.add(RequestDetails.class, request)
					.add(ServletRequestDetails.class, request)
					.add(TransactionDetails.class, new TransactionDetails())
					.add(InterceptorInvocationTimingEnum.class, InterceptorInvocationTimingEnum.ACTIVE));
		}
	}

	private static ServletRequestDetails request(RestOperationTypeEnum operation, String path, Map<String, String[]> parameters) {
		MockHttpServletRequest servlet = new MockHttpServletRequest("GET", "/fhir/" + path);
		servlet.setRemoteAddr("10.1.2.3");
		ServletRequestDetails request = new ServletRequestDetails();
		request.setServer(new RestfulServer(FHIR));
		request.setServletRequest(servlet);
		request.setRestOperationType(operation);
		request.setRequestType(RequestTypeEnum.GET);
		request.setFhirServerBase("https://second-opinion.example.org/fhir");
		request.setRequestPath(path);
		request.setParameters(parameters);
		request.setCompleteUrl("https://second-opinion.example.org/fhir/" + path);
		request.setRequestId("request-" + operation);
		return request;
	}

	private static Patient patient(String id) {
		Patient patient = new Patient();
		patient.setId("Patient/" + id);
		return patient;
	}

	private static Condition condition(String id, String patient) {
		Condition condition = new Condition().setSubject(new Reference(patient));
		condition.setId("Condition/" + id);
		return condition;
	}

	private static ServiceRequest request(String id, String patient) {
		ServiceRequest request = new ServiceRequest().setSubject(new Reference(patient));
		request.setId("ServiceRequest/" + id);
		return request;
	}

	private static Organization organization(String id) {
		Organization organization = new Organization().setName("St Elsewhere");
		organization.setId("Organization/" + id);
		return organization;
	}
}

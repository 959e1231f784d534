package org.example.secondopinion.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The checks of {@link CaseBoundary} that concern a client's request as a whole, before HAPI handles it:
 * <ul>
 *   <li>our operations on a request ({@code $case}, {@code $assign}...) are refused up front for a case the
 *       caller cannot reach, so nothing is changed before the response is checked;
 *   <li>an EHR's conditional creates match only its own organisation's resources, so two hospitals that
 *       use the same identifier never share a patient.
 * </ul>
 */
@Interceptor
public class CaseRequestChecks {

	private final CaseAccess access;
	private final DaoRegistry daos;

	CaseRequestChecks(CaseAccess access, DaoRegistry daos) {
		this.access = access;
		this.daos = daos;
	}

	/** {@code $assign} on another organisation's case must change nothing: checked before it runs. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void operationsOnlyWithinCases(RequestDetails request, RestOperationTypeEnum operation) {
		if (operation != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE || request.getId() == null
				|| !OrganisationLabels.isLabelled(request.getResourceName())) {
			return;
		}
		CaseBoundary.externalCaller(request).filter(CaseAccess::isConfined).ifPresent(caller -> {
			IBaseResource target;
			try {
				target = daos.getResourceDao(request.getResourceName())
						.read(request.getId().toUnqualifiedVersionless(), new SystemRequestDetails());
			} catch (BaseServerResponseException e) {
				return; // the operation answers 404 or 410 itself
			}
			if (!access.mayReach(caller, target, request)) {
				throw CaseBoundary.outside(target.getIdElement());
			}
		});
	}

	/**
	 * An EHR's conditional creates ({@code If-None-Exist}, {@code request.ifNoneExist}) are narrowed to its
	 * organisation: a retry finds its own earlier resource, never another hospital's.
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void narrowConditionalCreates(RequestDetails request) {
		CaseBoundary.externalCaller(request).filter(caller -> caller.role() == Caller.Role.EHR && caller.organization() != null)
				.ifPresent(caller -> {
					String narrowing = "_security=" + URLEncoder.encode(
							OrganisationLabels.searchValue(caller.organization()), StandardCharsets.UTF_8);
					if (request.getResource() instanceof Bundle bundle) {
						for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
							if (entry.getRequest().hasIfNoneExist() && entry.hasResource()
									&& OrganisationLabels.isLabelled(entry.getResource().fhirType())) {
								entry.getRequest().setIfNoneExist(entry.getRequest().getIfNoneExist() + "&" + narrowing);
							}
						}
					}
					String header = request.getHeader(Constants.HEADER_IF_NONE_EXIST);
					if (header != null && !header.isBlank() && request.getResourceName() != null
							&& OrganisationLabels.isLabelled(request.getResourceName())) {
						request.setHeaders(Constants.HEADER_IF_NONE_EXIST, List.of(header + "&" + narrowing));
					}
				});
	}

}

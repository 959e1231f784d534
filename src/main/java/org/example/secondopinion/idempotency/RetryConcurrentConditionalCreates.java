package org.example.secondopinion.idempotency;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.example.secondopinion.cases.CaseWorkflowInterceptor;

/**
 * An EHR that times out retries its request, often several times at once. HAPI already refuses to
 * create a duplicate when identical conditional creates race (a unique index on the match URL), but
 * the losers then fail with 409. Retrying them makes them see the winner's resource, so every retry
 * answers 200 with the one resource, as a conditional create should.
 */
@Interceptor
public class RetryConcurrentConditionalCreates {

	private final int maxRetries;

	public RetryConcurrentConditionalCreates(int maxRetries) {
		this.maxRetries = maxRetries;
	}

	@Hook(Pointcut.STORAGE_VERSION_CONFLICT)
	public ResourceVersionConflictResolutionStrategy retryConditionalWrites(RequestDetails request) {
		ResourceVersionConflictResolutionStrategy strategy = new ResourceVersionConflictResolutionStrategy();
		if (request != null && mayBeConditionalCreate(request) && !refusedByWorkflow(request)) {
			strategy.setRetry(true);
			strategy.setMaxRetries(maxRetries);
		}
		return strategy;
	}

	/** A case rule's refusal would only be refused again: not retried. */
	private static boolean refusedByWorkflow(RequestDetails request) {
		return request.getUserData().containsKey(CaseWorkflowInterceptor.REFUSED_BY_WORKFLOW);
	}

	private static boolean mayBeConditionalCreate(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		return operation == RestOperationTypeEnum.TRANSACTION
				|| operation == RestOperationTypeEnum.BATCH
				|| (operation == RestOperationTypeEnum.CREATE && request.getHeader(Constants.HEADER_IF_NONE_EXIST) != null);
	}
}

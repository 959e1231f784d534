package org.example.secondopinion.cases;

import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.matching.Ranking;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/** The operations of a case, on {@code ServiceRequest/[id]}. */
@Component
public class CaseOperations {

	private final CaseWorkflow workflow;
	private final CaseBundle caseBundle;
	private final CaseStore store;

	public CaseOperations(CaseWorkflow workflow, CaseBundle caseBundle, CaseStore store) {
		this.workflow = workflow;
		this.caseBundle = caseBundle;
		this.store = store;
	}

	/**
	 * {@code GET ServiceRequest/[id]/$case}: the whole case as one Bundle (type collection): the
	 * request, patient, original diagnosis, records, Task, assigned expert, discussion and opinions.
	 * 404 when the request is not a second-opinion case.
	 */
	@Operation(name = "$case", idempotent = true, type = ServiceRequest.class, bundleType = BundleTypeEnum.COLLECTION)
	public Bundle wholeCase(@IdParam IdType requestId) {
		stateOrNotFound(requestId);
		return caseBundle.of(store.readRequest(requestId));
	}

	/**
	 * {@code GET ServiceRequest/[id]/$completeness}: which records the case still needs.
	 * Out: {@code complete} (boolean), {@code state} (the case's business status), one {@code missing}
	 * (string) per record type missing. 404 when the request is not a second-opinion case.
	 */
	@Operation(name = "$completeness", idempotent = true, type = ServiceRequest.class)
	public Parameters completeness(@IdParam IdType requestId) {
		CaseState state = stateOrNotFound(requestId);
		List<String> missing = workflow.missing(requestId);
		Parameters result = new Parameters();
		result.addParameter("complete", new BooleanType(missing.isEmpty()));
		result.addParameter("state", new StringType(state.businessStatus()));
		missing.forEach(name -> result.addParameter("missing", new StringType(name)));
		return result;
	}

	/**
	 * {@code GET ServiceRequest/[id]/$match-experts}: the experts of the directory ranked for this case.
	 * Out: one {@code candidate} per ranked expert with parts {@code expert} (Reference to the
	 * PractitionerRole), {@code rank} (1 = best) and {@code reason}; one {@code skipped} per expert
	 * left out, with {@code expert} and {@code reason}.
	 */
	@Operation(name = "$match-experts", idempotent = true, type = ServiceRequest.class)
	public Parameters matchExperts(@IdParam IdType requestId) {
		stateOrNotFound(requestId);
		Ranking ranking = workflow.rankExperts(requestId);
		Parameters result = new Parameters();
		ranking.ranked().forEach(ranked -> {
			Parameters.ParametersParameterComponent candidate = result.addParameter().setName("candidate");
			candidate.addPart().setName("expert").setValue(new Reference(ranked.expert().practitionerRoleRef()).setDisplay(ranked.expert().name()));
			candidate.addPart().setName("rank").setValue(new IntegerType(ranked.rank()));
			candidate.addPart().setName("reason").setValue(new StringType(ranked.reason()));
		});
		ranking.skipped().forEach(skipped -> {
			Parameters.ParametersParameterComponent left = result.addParameter().setName("skipped");
			left.addPart().setName("expert").setValue(new Reference(skipped.expert().practitionerRoleRef()).setDisplay(skipped.expert().name()));
			left.addPart().setName("reason").setValue(new StringType(skipped.reason()));
		});
		return result;
	}

	/**
	 * {@code POST ServiceRequest/[id]/$assign} with parameter {@code expert} (Reference to a
	 * PractitionerRole), optional {@code reason} (string) and {@code force} (boolean): assigns or reassigns
	 * the case. Returns the case's Task, its statusReason naming the coordinator's choice; the previous
	 * assignment stays in the Task's history. 422 for an expert matching would skip, unless forced; 409 when
	 * the case's state does not allow it.
	 */
	@Operation(name = "$assign", type = ServiceRequest.class)
	public Task assign(@IdParam IdType requestId,
			@OperationParam(name = "expert", min = 1, max = 1) Reference expert,
			@OperationParam(name = "reason", max = 1) StringType reason,
			@OperationParam(name = "force", max = 1) BooleanType force) {
		stateOrNotFound(requestId);
		IdType expertId = expert == null || !expert.hasReference() ? null : new IdType(expert.getReference());
		if (expertId == null || !"PractitionerRole".equals(expertId.getResourceType()) || !expertId.hasIdPart()) {
			throw new InvalidRequestException("Parameter 'expert' is required: a Reference to the expert's PractitionerRole "
					+ "(valueReference {\"reference\": \"PractitionerRole/[id]\"}); the experts to choose from are in $match-experts");
		}
		return workflow.assign(requestId, expertId.toUnqualifiedVersionless().getValue(),
				reason == null ? null : reason.getValue(), force != null && force.booleanValue());
	}

	/**
	 * {@code POST ServiceRequest/[id]/$reject} with parameter {@code reason} (string): the centre
	 * declines the case. Returns the Task (status rejected, statusReason the reason); the
	 * ServiceRequest becomes revoked. 409 when the case is already closed.
	 */
	@Operation(name = "$reject", type = ServiceRequest.class)
	public Task reject(@IdParam IdType requestId, @OperationParam(name = "reason", min = 1, max = 1) StringType reason) {
		stateOrNotFound(requestId);
		if (reason == null || reason.isEmpty() || reason.getValue().isBlank()) {
			throw new InvalidRequestException("Parameter 'reason' is required: a string telling the referrer why the centre declines the case");
		}
		return workflow.reject(requestId, reason.getValue());
	}

	private CaseState stateOrNotFound(IdType requestId) {
		return workflow.stateOf(requestId).orElseThrow(() -> new ResourceNotFoundException(
				requestId.toUnqualifiedVersionless().getValue() + " is not a second-opinion case"));
	}
}

package org.example.secondopinion.cases;

import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.example.secondopinion.lifecycle.CaseEvent;
import org.example.secondopinion.lifecycle.CaseLifecycle;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.lifecycle.ExpertReference;
import org.example.secondopinion.lifecycle.OpinionRules;
import org.example.secondopinion.lifecycle.OpinionWrite;
import org.example.secondopinion.lifecycle.RuleViolation;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Service;

/**
 * The opinion side of a case: an opinion (DiagnosticReport basedOn the request) is checked against
 * the case with {@link OpinionRules}; once stored, a preliminary one starts the review, a final one
 * completes the case (Task completed with the report as output, ServiceRequest completed) and an
 * amendment leaves it completed.
 */
@Service
public class OpinionWorkflow {

	private final CaseStore store;
	private final FhirContext fhirContext;
	private final CaseLifecycle lifecycle = new CaseLifecycle();
	private final OpinionRules opinionRules = new OpinionRules(lifecycle);

	public OpinionWorkflow(CaseStore store, FhirContext fhirContext) {
		this.store = store;
		this.fhirContext = fhirContext;
	}

	/**
	 * An opinion was written: refused when the case does not allow it (by whom, in which state, which
	 * status change); otherwise a preliminary one starts the review, a final one completes the case.
	 */
	public void opinionWritten(DiagnosticReport opinion, DiagnosticReport previous, IIdType requestId) {
		Optional<Task> found = store.findTask(requestId);
		if (found.isEmpty()) {
			return; // a report on some other order, not a second-opinion case
		}
		Task task = found.get();
		CaseState state = CaseTask.stateOf(task);
		OpinionWrite write = opinionWrite(opinion, previous, requestId, task);
		List<RuleViolation> violations = opinionRules.check(write);
		if (!violations.isEmpty()) {
			String requested = "an opinion with status " + (opinion.getStatus() == null ? "none" : opinion.getStatus().toCode());
			throw CaseRejections.violations(fhirContext, violations, "DiagnosticReport.status", state, requested);
		}
		Optional<CaseEvent> event = opinionRules.eventFor(write);
		if (event.isEmpty() || !lifecycle.allows(state, event.get())) {
			return;
		}
		CaseState next = lifecycle.next(state, event.get());
		CaseTask.setState(task, next);
		if (event.get() == CaseEvent.FINAL_OPINION) {
			task.addOutput()
					.setType(new CodeableConcept().setText("Second opinion"))
					.setValue(new Reference(opinion.getIdElement().toUnqualifiedVersionless().getValue()));
			ServiceRequest request = store.readRequest(requestId);
			request.setStatus(ServiceRequest.ServiceRequestStatus.fromCode(next.requestStatus()));
			store.update(request);
		}
		store.update(task);
	}

	private OpinionWrite opinionWrite(DiagnosticReport opinion, DiagnosticReport previous, IIdType requestId, Task task) {
		String id = opinion.getIdElement().toUnqualifiedVersionless().getIdPart();
		boolean anotherFinal = store.opinions(requestId).stream()
				.filter(other -> id == null || !id.equals(other.getIdElement().getIdPart()))
				.anyMatch(other -> other.getStatus() == DiagnosticReport.DiagnosticReportStatus.FINAL
						|| other.getStatus() == DiagnosticReport.DiagnosticReportStatus.AMENDED);
		List<String> performers = performerReferences(opinion, task);
		return new OpinionWrite(
				opinion.getStatus() == null ? null : opinion.getStatus().toCode(),
				previous == null,
				previous == null || previous.getStatus() == null ? null : previous.getStatus().toCode(),
				performers,
				CaseTask.stateOf(task),
				task.hasOwner() ? task.getOwner().getReference() : null,
				anotherFinal,
				amendmentReason(opinion));
	}

	/** The reason the opinion gives for its amendment (extension so-amendment-reason); null when it gives none. */
	private static String amendmentReason(DiagnosticReport opinion) {
		Extension reason = opinion.getExtensionByUrl(OpinionRules.AMENDMENT_REASON_EXTENSION);
		return reason == null || reason.getValue() == null ? null : reason.getValue().primitiveValue();
	}

	/**
	 * The opinion's performers; an expert named by their Practitioner stands for the assigned
	 * PractitionerRole when that role is theirs (reports often name the person, not the role).
	 */
	private List<String> performerReferences(DiagnosticReport opinion, Task task) {
		List<String> performers = new ArrayList<>(opinion.getPerformer().stream().map(Reference::getReference).toList());
		if (task.hasOwner()) {
			store.read(task.getOwner())
					.filter(PractitionerRole.class::isInstance)
					.map(role -> ExpertReference.normalise(((PractitionerRole) role).getPractitioner().getReference()))
					.filter(practitioner -> !practitioner.isEmpty()
							&& performers.stream().map(ExpertReference::normalise).anyMatch(practitioner::equals))
					.ifPresent(practitioner -> performers.add(task.getOwner().getReference()));
		}
		return performers;
	}
}

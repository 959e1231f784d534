package org.example.secondopinion.cases;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Optional;
import org.example.secondopinion.lifecycle.CaseEvent;
import org.example.secondopinion.lifecycle.CaseLifecycle;
import org.example.secondopinion.lifecycle.CaseState;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Service;

/** The discussion of a case: Communications basedOn the request, threaded by inResponseTo. */
@Service
public class DiscussionWorkflow {

	private final CaseStore store;
	private final WorkflowProperties properties;
	private final CaseLifecycle lifecycle = new CaseLifecycle();

	public DiscussionWorkflow(CaseStore store, WorkflowProperties properties) {
		this.store = store;
		this.properties = properties;
	}

	/**
	 * A message of the case discussion was stored. A question of the assigned expert (category
	 * so-codes#question) puts the case on hold, with a date by which the answer is wanted; the
	 * referrer's answer (inResponseTo an open question) returns it to review. A message from the referrer
	 * (sender = the request's requester) while the case awaits an answer must say which open question it
	 * answers: otherwise it is refused, naming the open question. Other messages leave the state as it is:
	 * the discussion goes on after the final opinion too.
	 */
	public void messageStored(Communication message, IIdType requestId) {
		Optional<Task> found = store.findTask(requestId);
		if (found.isEmpty()) {
			return;
		}
		Task task = found.get();
		CaseState state = CaseTask.stateOf(task);
		boolean fromExpert = task.hasOwner() && message.hasSender()
				&& sameReference(task.getOwner(), message.getSender());
		boolean question = fromExpert && isQuestion(message);
		boolean answer = false;
		if (state == CaseState.AWAITING_INFORMATION && !fromExpert) {
			List<String> open = openQuestions(requestId, message);
			answer = message.getInResponseTo().stream().anyMatch(reference -> answers(reference, open));
			if (!answer && fromReferrer(message, requestId)) {
				throw CaseRejections.answerWithoutQuestion(open);
			}
		}
		if (!question && !answer) {
			return;
		}
		CaseEvent event = question ? CaseEvent.QUESTION_ASKED : CaseEvent.QUESTION_ANSWERED;
		if (!lifecycle.allows(state, event) || (event == CaseEvent.QUESTION_ASKED && state == CaseState.AWAITING_INFORMATION)) {
			return;
		}
		CaseTask.setState(task, lifecycle.next(state, event));
		if (event == CaseEvent.QUESTION_ASKED) {
			Instant answerDue = Instant.now().plus(properties.answerTime());
			task.setStatusReason(new CodeableConcept().setText("Awaiting the referrer's answer to "
					+ message.getIdElement().toUnqualifiedVersionless().getValue() + ", wanted by " + answerDue));
		} else {
			task.setStatusReason(null);
		}
		store.update(task);
	}

	/** Whether inResponseTo names an open question; a reference not resolved to an id here (conditional) counts. */
	private static boolean answers(Reference inResponseTo, List<String> openQuestions) {
		String target = inResponseTo.getReference();
		return target == null || target.contains("?") || target.startsWith("urn:")
				|| openQuestions.contains(inResponseTo.getReferenceElement().toUnqualifiedVersionless().getValue());
	}

	private boolean fromReferrer(Communication message, IIdType requestId) {
		ServiceRequest request = store.readRequest(requestId);
		return message.hasSender() && request.hasRequester() && sameReference(message.getSender(), request.getRequester());
	}

	/** The questions on the case (whoever of the centre asked them) that no other message answers yet, oldest first. */
	private List<String> openQuestions(IIdType requestId, Communication judged) {
		String judgedId = judged.getIdElement().toUnqualifiedVersionless().getValue();
		List<Communication> discussion = store.communications(requestId).stream()
				.filter(message -> !message.getIdElement().toUnqualifiedVersionless().getValue().equals(judgedId))
				.toList();
		Set<String> answered = discussion.stream()
				.flatMap(message -> message.getInResponseTo().stream())
				.map(reference -> reference.getReferenceElement().toUnqualifiedVersionless().getValue())
				.collect(Collectors.toSet());
		return discussion.stream()
				.filter(DiscussionWorkflow::isQuestion)
				.sorted(Comparator.comparing(Communication::getSent, Comparator.nullsLast(Comparator.naturalOrder())))
				.map(message -> message.getIdElement().toUnqualifiedVersionless().getValue())
				.filter(id -> !answered.contains(id))
				.toList();
	}

	private static boolean isQuestion(Communication message) {
		return message.getCategory().stream()
				.flatMap(category -> category.getCoding().stream())
				.anyMatch(coding -> SecondOpinionIg.CODES.equals(coding.getSystem()) && "question".equals(coding.getCode()));
	}

	private static boolean sameReference(Reference a, Reference b) {
		return a.getReferenceElement().toUnqualifiedVersionless().getValue()
				.equals(b.getReferenceElement().toUnqualifiedVersionless().getValue());
	}
}

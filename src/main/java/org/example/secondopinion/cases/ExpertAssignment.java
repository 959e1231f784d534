package org.example.secondopinion.cases;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.example.secondopinion.matching.ExpertCandidate;
import org.example.secondopinion.matching.ExpertMatcher;
import org.example.secondopinion.matching.Period;
import org.example.secondopinion.matching.Ranking;
import org.example.secondopinion.matching.WantedSpecialties;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Ranks the experts of the directory for a request: the specialties wanted are those the request
 * names in performerType (our codes), else those configured for its kind of request
 * ({@link WantedSpecialties}); see {@link ExpertMatcher}.
 */
@Component
public class ExpertAssignment {

	private final CaseStore store;
	private final ExpertMatcher matcher = new ExpertMatcher();
	private final WantedSpecialties wantedByKind;

	public ExpertAssignment(CaseStore store, WorkflowProperties properties) {
		this.store = store;
		this.wantedByKind = properties.wantedSpecialties();
	}

	/**
	 * Ranks the directory for the request; the workload counted is each expert's open cases other
	 * than this one.
	 *
	 * @param caseTask the case's Task as the caller holds it (its owner's workload includes this case)
	 */
	public Ranking rank(ServiceRequest request, Task caseTask) {
		String currentOwner = caseTask.hasOwner()
				? caseTask.getOwner().getReferenceElement().toUnqualifiedVersionless().getValue()
				: "";
		List<ExpertCandidate> candidates = store.experts().stream()
				.map(role -> candidate(role, currentOwner))
				.toList();
		return matcher.rank(candidates, wantedSpecialties(request), Instant.now());
	}

	private Set<String> wantedSpecialties(ServiceRequest request) {
		Set<String> named = new HashSet<>();
		request.getPerformerType().getCoding().stream()
				.filter(coding -> SecondOpinionIg.CODES.equals(coding.getSystem()))
				.map(Coding::getCode)
				.forEach(named::add);
		return named.isEmpty() ? wantedByKind.forKind(CaseWorkflow.kindOf(request)) : named;
	}

	private ExpertCandidate candidate(PractitionerRole role, String currentOwner) {
		String reference = "PractitionerRole/" + role.getIdElement().getIdPart();
		Set<String> specialties = new HashSet<>();
		role.getSpecialty().forEach(specialty -> specialty.getCoding().stream()
				.filter(coding -> SecondOpinionIg.CODES.equals(coding.getSystem()))
				.forEach(coding -> specialties.add(coding.getCode())));
		List<Period> absences = role.getNotAvailable().stream()
				.map(PractitionerRole.PractitionerRoleNotAvailableComponent::getDuring)
				.map(during -> new Period(
						during.hasStart() ? during.getStart().toInstant() : null,
						during.hasEnd() ? during.getEnd().toInstant() : null))
				.toList();
		String name = role.getPractitioner().hasDisplay() ? role.getPractitioner().getDisplay() : reference;
		int openCases = store.openCasesOwnedBy(reference) - (reference.equals(currentOwner) ? 1 : 0);
		return new ExpertCandidate(reference, name, specialties, !role.hasActive() || role.getActive(), absences,
				Math.max(0, openCases));
	}
}

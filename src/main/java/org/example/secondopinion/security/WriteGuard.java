package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.searchparam.extractor.PathAndRef;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Interaction;
import org.example.secondopinion.access.Membership;
import org.example.secondopinion.access.Role;
import org.example.secondopinion.access.TaskFacts;
import org.example.secondopinion.cases.CaseWorkflowInterceptor;
import org.example.secondopinion.cases.ServerOwnedTaskFields;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.example.secondopinion.validation.CaseResourceRecognizer;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.example.secondopinion.profiles.SecondOpinionIg;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;

/**
 * Every write reaches HAPI's storage through these hooks, whatever its path: create, update, JSON and
 * FHIRPath patch, the conditional forms, transaction and batch entries, and the server's own writes.
 * Each is asked of the policy twice:
 * <ul>
 *   <li>before it is stored, on the resource as it was and the kind of change ({@code change}, and for a
 *       Task {@code taskChange}); the resource is labelled here with the organisation it belongs to: an
 *       EHR's with the EHR's, anyone else's with the labels of what it refers to, and updates keep theirs;
 *   <li>just before the transaction commits, on the resource as it will be stored, its references resolved
 *       ({@code contents}): every case resource it refers to must be within the caller's reach, and a
 *       reference to one outside it is answered word for word as a reference to a missing resource.
 * </ul>
 * Registered with HAPI's storage-wide interceptors, so the server's own writes are labelled too. Inside a
 * transaction a refusal stores nothing of it.
 */
@Interceptor(order = InterceptorOrder.WRITE_GUARD)
public class WriteGuard {

	private static final String TARGETS = WriteGuard.class.getName() + ".targets";
	private static final String WRITTEN = WriteGuard.class.getName() + ".written";

	private final CaseAccess access;
	private final ReferencedLabels referencedLabels;
	private final ISearchParamExtractor links;
	private final ConditionalReferences conditionalReferences;
	private final MatchUrlService matchUrls;
	private final FhirContext fhirContext;

	WriteGuard(CaseAccess access, ReferencedLabels referencedLabels, ISearchParamExtractor links,
			ConditionalReferences conditionalReferences, MatchUrlService matchUrls, FhirContext fhirContext) {
		this.access = access;
		this.referencedLabels = referencedLabels;
		this.links = links;
		this.conditionalReferences = conditionalReferences;
		this.matchUrls = matchUrls;
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(RequestDetails request, IBaseResource resource) {
		Actor actor = access.actor(request);
		String type = resource.fhirType();
		boolean clientChosenId = resource.getIdElement().hasIdPart();
		access.enforce(access.policy().change(actor, Interaction.CREATE, type, null, clientChosenId),
				resource.getIdElement().withResourceType(type));
		if (resource instanceof Task task) {
			access.enforce(access.policy().taskChange(actor, null, facts(task)), null);
		}
		access.enforce(access.policy().directoryEntry(actor, namesAnExpert(resource)), null);
		beforeStorage(actor, request, resource);
		label(actor, request, resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(RequestDetails request, IBaseResource previous, IBaseResource updated) {
		Actor actor = access.actor(request);
		access.enforce(access.policy().change(actor, Interaction.UPDATE, updated.fhirType(), access.membership(previous), false),
				previous.getIdElement().withResourceType(previous.fhirType()));
		if (previous instanceof Task before && updated instanceof Task after) {
			access.enforce(access.policy().taskChange(actor, facts(before), facts(after)), null);
		}
		access.enforce(access.policy().directoryEntry(actor, namesAnExpert(updated)), null);
		beforeStorage(actor, request, updated);
		Set<String> labels = OrganisationLabels.of(previous);
		if (labels.isEmpty()) {
			label(actor, request, updated); // a resource stored before it had labels
		} else {
			OrganisationLabels.set(updated, labels);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(RequestDetails request, IBaseResource resource) {
		Actor actor = access.actor(request);
		access.enforce(access.policy().change(actor, Interaction.DELETE, resource.fhirType(), access.membership(resource), false),
				resource.getIdElement().withResourceType(resource.fhirType()));
		if (resource instanceof Task task) {
			access.enforce(access.policy().taskChange(actor, facts(task), null), null);
		}
		if (resource instanceof DiagnosticReport report) {
			boolean opinion = isOpinion(report);
			access.enforce(access.policy().report(actor, opinion, null), null);
			if (opinion) {
				access.enforce(access.policy().opinionOn(actor, requestsOf(report)), null);
			}
		}
	}

	/** The requests a report is based on, as {@code ServiceRequest/123}. */
	private static Set<String> requestsOf(DiagnosticReport report) {
		return report.getBasedOn().stream().map(reference -> new IdType(reference.getReference()))
				.filter(id -> "ServiceRequest".equals(id.getResourceType()) && id.hasIdPart())
				.map(id -> "ServiceRequest/" + id.getIdPart()).collect(java.util.stream.Collectors.toSet());
	}

	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = InterceptorOrder.WRITE_GUARD_CONTENTS)
	public void createdContents(RequestDetails request, IBaseResource resource, TransactionDetails transaction) {
		checkContents(request, transaction, null, resource);
	}

	/** HAPI passes the old resource first and the new one second: the new one is judged. */
	@Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED, order = InterceptorOrder.WRITE_GUARD_CONTENTS)
	public void updatedContents(RequestDetails request, IBaseResource previous, IBaseResource updated, TransactionDetails transaction) {
		checkContents(request, transaction, previous, updated);
	}

	/**
	 * For a confined caller, before HAPI resolves anything: every reference by id must be within reach (HAPI
	 * would otherwise answer a reference to another organisation's deleted resource differently from one to a
	 * missing resource), and a Subscription's criteria obey the search rules (HAPI matches them as the server).
	 */
	private void beforeStorage(Actor actor, RequestDetails request, IBaseResource resource) {
		if (!actor.role().isConfined()) {
			return;
		}
		refuseUnreachable(actor, targets(resource, request, null));
		if (resource instanceof Subscription subscription && subscription.hasCriteria()) {
			String criteria = subscription.getCriteria();
			int query = criteria.indexOf('?');
			String type = query < 0 ? criteria : criteria.substring(0, query);
			if (fhirContext.getResourceTypes().contains(type)) {
				var search = matchUrls.translateMatchUrl(criteria, fhirContext.getResourceDefinition(type));
				access.enforce(access.policy().search(actor, type, SearchGuard.featuresOf(search)), null);
			}
		}
	}

	private void label(Actor actor, RequestDetails request, IBaseResource resource) {
		if (!OrganisationLabels.isLabelled(resource.fhirType())) {
			return;
		}
		if (actor.role() == Role.EHR) {
			OrganisationLabels.set(resource, actor.organisationIfKnown().map(Set::of).orElse(Set.of()));
		} else if (actor.role() != Role.SERVER || OrganisationLabels.of(resource).isEmpty()) {
			OrganisationLabels.set(resource, referencedLabels.of(resource, request));
		}
		// else: the server's own write that set its labels itself (a streamed upload)
	}

	private void checkContents(RequestDetails request, TransactionDetails transaction, IBaseResource previous, IBaseResource stored) {
		Actor actor = access.actor(request);
		if (actor.role() == Role.SERVER) {
			return;
		}
		IBaseResource resource = withConditionalReferencesResolved(stored, request);
		if (resource instanceof Task task) {
			// again with its references resolved (an owner given as urn:uuid: is known only now)
			access.enforce(access.policy().taskChange(actor, previous instanceof Task before ? facts(before) : null, facts(task)), null);
		}
		Map<String, Membership> targets = targets(resource, request, transaction);
		if (actor.role().isConfined()) {
			refuseUnreachable(actor, targets);
		}
		if (resource instanceof DiagnosticReport report) {
			Boolean wasOpinion = previous instanceof DiagnosticReport before ? isOpinion(before) : null;
			boolean opinion = isOpinion(report);
			access.enforce(access.policy().report(actor, wasOpinion, opinion), resource.getIdElement());
			if (opinion) {
				access.enforce(access.policy().opinionOn(actor, requestsOf(report)), resource.getIdElement());
			}
			if (Boolean.TRUE.equals(wasOpinion)) {
				access.enforce(access.policy().opinionOn(actor, requestsOf((DiagnosticReport) previous)), resource.getIdElement());
			}
		}
		Membership membership = access.membership(resource);
		access.enforce(access.policy().contents(actor, membership, new LinkedHashSet<>(targets.values())),
				resource.getIdElement());
		remember(transaction, membership);
	}

	/** An opinion or one of the hospital's own reports, judged on what it is based on as stored. */
	private boolean isOpinion(DiagnosticReport report) {
		return CaseResourceRecognizer.isOpinion(report, reference -> {
			IdType id = new IdType(reference.getReference());
			return id.hasResourceType() && id.hasIdPart() && !id.isAbsolute() && !id.getValue().contains("?")
					? access.stored(id) : Optional.empty();
		});
	}

	/** A reference to what the caller cannot reach is answered as one to a missing resource. */
	private void refuseUnreachable(Actor actor, Map<String, Membership> targets) {
		targets.forEach((path, target) -> {
			if (!access.policy().read(actor, target).allowed()) {
				throw referenceNotFound(target.id(), path);
			}
		});
	}

	/**
	 * In a transaction the resource HAPI hands over may still hold its conditional references
	 * ({@code Patient?identifier=...}) as written. They are resolved here as HAPI resolved them: by a search
	 * made for the caller, which {@link SearchGuard} narrows the same way; a copy is judged.
	 */
	private IBaseResource withConditionalReferencesResolved(IBaseResource resource, RequestDetails request) {
		FhirTerser terser = fhirContext.newTerser();
		boolean conditional = terser.getAllPopulatedChildElementsOfType(resource, Reference.class).stream()
				.anyMatch(reference -> reference.getReference() != null && reference.getReference().contains("?"));
		if (!conditional) {
			return resource;
		}
		IBaseResource copy = ((org.hl7.fhir.r4.model.Resource) resource).copy();
		for (Reference reference : terser.getAllPopulatedChildElementsOfType(copy, Reference.class)) {
			String value = reference.getReference();
			if (value != null && value.contains("?")) {
				reference.setReference(conditionalReferences.resolve(value, request).orElse(value));
			}
		}
		return copy;
	}

	/**
	 * What the resource refers to, by the path HAPI names it with: its indexed references (HAPI's own
	 * paths), its other references, and the stored files its attachments name. A reference that resolves
	 * to nothing is answered as HAPI answers it; for a confined caller, also one HAPI does not index.
	 */
	private Map<String, Membership> targets(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		Map<String, Membership> targets = new LinkedHashMap<>();
		Actor actor = access.actor(request);
		for (PathAndRef link : links.extractResourceLinks(resource, false)) {
			IIdType id = link.getRef() == null ? null : link.getRef().getReferenceElement();
			addTarget(targets, link.getPath(), id, request, transaction, actor);
		}
		FhirTerser terser = fhirContext.newTerser();
		terser.getAllResourceReferences(resource).forEach(info -> addTarget(targets,
				resource.fhirType() + "." + info.getName(), info.getResourceReference().getReferenceElement(), request, transaction, actor));
		terser.getAllPopulatedChildElementsOfType(resource, Attachment.class).stream()
				.map(attachment -> AssignedCases.binaryIn(attachment.getUrl()))
				.flatMap(Optional::stream)
				.forEach(binary -> addTarget(targets, resource.fhirType() + ".content.attachment.url", new IdType(binary), request, transaction, actor));
		return targets;
	}

	private void addTarget(Map<String, Membership> targets, String path, IIdType id, RequestDetails request,
			TransactionDetails transaction, Actor actor) {
		// a conditional reference (Patient?identifier=...) is resolved by a search, which SearchGuard narrows
		boolean conditional = id != null && id.getValue() != null && id.getValue().contains("?");
		if (id == null || conditional || !id.hasResourceType() || !id.hasIdPart() || id.isAbsolute() || id.isLocal()
				|| !fhirContext.getResourceTypes().contains(id.getResourceType())
				|| !OrganisationLabels.isLabelled(id.getResourceType())) {
			return;
		}
		String key = id.toUnqualifiedVersionless().getValue();
		if (targets.values().stream().anyMatch(known -> known.id().equals(key))) {
			return;
		}
		Membership target = lookedUp(key, request, transaction);
		if (target == null) {
			if (actor.role().isConfined()) {
				throw referenceNotFound(key, path);
			}
			return;
		}
		targets.put(path + " " + key, target);
	}

	/** What this database transaction wrote under that id, or else the stored resource (read once per request). */
	@SuppressWarnings("unchecked")
	private Membership lookedUp(String reference, RequestDetails request, TransactionDetails transaction) {
		Membership written = written(transaction).get(reference);
		if (written != null) {
			return written;
		}
		Map<String, Optional<Membership>> cache = request == null ? new HashMap<>()
				: (Map<String, Optional<Membership>>) request.getUserData().computeIfAbsent(TARGETS, key -> new HashMap<>());
		return cache.computeIfAbsent(reference, key -> access.stored(new IdType(key)).map(access::membership)).orElse(null);
	}

	/**
	 * What a database transaction has written is known without reading it back: a FHIR transaction's entries
	 * refer to each other, and each is judged here, just before commit, as it is stored. Kept with HAPI's
	 * details of that database transaction, so it ends with it: a batch entry that rolls back leaves nothing
	 * for the next entry (each has its own).
	 */
	private static void remember(TransactionDetails transaction, Membership membership) {
		if (transaction != null && !membership.id().isEmpty()) {
			written(transaction).put(membership.id(), membership);
		}
	}

	private static Map<String, Membership> written(TransactionDetails transaction) {
		return transaction == null ? Map.of() : transaction.getOrCreateUserData(WRITTEN, HashMap::new);
	}

	/** HAPI's answer for a reference to a resource that does not exist, word for word. */
	private static InvalidRequestException referenceNotFound(String reference, String path) {
		String at = path.contains(" ") ? path.substring(0, path.indexOf(' ')) : path;
		return new InvalidRequestException(Msg.code(1094) + "Resource " + reference + " not found, specified in path: " + at);
	}

	/**
	 * Whether a directory entry makes someone a second-opinion expert: a PractitionerRole coded as one (matching
	 * draws from those), or a Practitioner or PractitionerRole with an expert's identifier (an expert's token
	 * names their role by it).
	 */
	private static boolean namesAnExpert(IBaseResource resource) {
		if (resource instanceof PractitionerRole role) {
			return role.getCode().stream().flatMap(code -> code.getCoding().stream())
					.anyMatch(coding -> SecondOpinionIg.CODES.equals(coding.getSystem()) && "expert".equals(coding.getCode()))
					|| role.getIdentifier().stream().anyMatch(identifier -> EXPERT_IDENTIFIERS.equals(identifier.getSystem()));
		}
		return resource instanceof Practitioner practitioner
				&& practitioner.getIdentifier().stream().anyMatch(identifier -> EXPERT_IDENTIFIERS.equals(identifier.getSystem()));
	}

	private static final String EXPERT_IDENTIFIERS = "https://second-opinion.example.org/fhir/id/expert";

	private TaskFacts facts(Task task) {
		return new TaskFacts(CaseWorkflowInterceptor.isCaseTask(task), task.getOwner().getReference(), task.hasStatus() ? task.getStatus().toCode() : "",
				Stream.concat(Stream.of(task.getFocus(), task.getFor()), task.getBasedOn().stream())
						.map(Reference::getReference).map(reference -> reference == null ? "" : reference).toList(),
				ServerOwnedTaskFields.encoded(task, fhirContext.newJsonParser()));
	}
}

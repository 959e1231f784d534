package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;

/**
 * Keeps each caller inside its cases when it writes, and labels what is stored with the organisation it
 * belongs to (reads are checked by {@link SmartScopeAuthorization}'s rules with {@link CaseAccess}).
 *
 * <ul>
 *   <li>A resource an EHR creates is labelled with the EHR's organisation; one created by anyone else
 *       (an expert, a coordinator, the server) takes the labels of what it refers to. Updates keep the labels.
 *   <li>An EHR may change only its organisation's resources, and what it writes may refer only to them
 *       (and to shared resources): no record filed under another hospital's patient, whatever form the
 *       reference takes. Checked once references are resolved, before the transaction commits.
 *   <li>An expert may write only within the cases assigned to them; a coordinator writes no opinions.
 * </ul>
 * Refusals are 403 with an OperationOutcome; inside a transaction nothing of it is stored. Registered with
 * HAPI's storage-wide interceptors, so the server's own writes (e.g. the Task the case workflow creates)
 * are labelled too; {@link CaseRequestChecks} holds the checks made on a client's request as a whole.
 */
@Interceptor
public class CaseBoundary {

	private final CaseAccess access;
	private final ReferencedLabels referencedLabels;
	private final FhirContext fhirContext;

	CaseBoundary(CaseAccess access, ReferencedLabels referencedLabels, FhirContext fhirContext) {
		this.access = access;
		this.referencedLabels = referencedLabels;
		this.fhirContext = fhirContext;
	}

	/** Runs after validation, so the profiles see the resource as the client sent it. */
	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = 100)
	public void labelNewResource(RequestDetails request, IBaseResource resource) {
		if (!OrganisationLabels.isLabelled(resource.fhirType())) {
			return;
		}
		Optional<Caller> caller = externalCaller(request);
		caller.ifPresent(who -> refuseOpinionByCoordinator(who, resource));
		if (caller.isPresent() && caller.get().role() == Caller.Role.EHR) {
			String organisation = caller.get().organization();
			if (organisation == null) {
				throw new ForbiddenOperationException("Access denied: the EHR's token names no organization, "
						+ "so it cannot store case data");
			}
			OrganisationLabels.set(resource, Set.of(organisation));
		} else if (caller.isPresent() || OrganisationLabels.of(resource).isEmpty()) {
			OrganisationLabels.set(resource, referencedLabels.of(resource, request));
		}
		// else: the server's own write that set its labels itself (e.g. a streamed upload)
	}

	@Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = 100)
	public void keepLabels(RequestDetails request, IBaseResource previous, IBaseResource updated) {
		Optional<Caller> caller = externalCaller(request);
		if (!OrganisationLabels.isLabelled(updated.fhirType())) {
			caller.ifPresent(who -> refuseDirectoryChangeByEhr(who, updated));
			return;
		}
		caller.ifPresent(who -> {
			refuseOpinionByCoordinator(who, updated);
			if (previous != null && !access.mayReach(who, previous, request)) {
				throw outside(previous.getIdElement());
			}
			if (who.role() == Caller.Role.EXPERT && previous instanceof Task before && updated instanceof Task after
					&& !sameCaseLinks(before, after)) {
				throw new ForbiddenOperationException("Access denied: an expert may not change what a Task is for "
						+ "or whom it is assigned to (focus, basedOn, for, owner)");
			}
		});
		Set<String> labels = previous == null ? Set.of() : OrganisationLabels.of(previous);
		if (labels.isEmpty()) {
			labelNewResource(request, updated); // a resource created by PUT, or one stored before it had labels
		} else {
			OrganisationLabels.set(updated, labels);
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleteOnlyWithinCases(RequestDetails request, IBaseResource resource) {
		externalCaller(request).ifPresent(caller -> {
			refuseDirectoryChangeByEhr(caller, resource);
			if (!access.mayReach(caller, resource, request)) {
				throw outside(resource.getIdElement());
			}
		});
	}

	/**
	 * The shared directory decides who sees which case (an expert is found by their PractitionerRole's
	 * identifier): an EHR may add its referrers to it, but not change or delete what is there.
	 */
	private static void refuseDirectoryChangeByEhr(Caller caller, IBaseResource resource) {
		if (caller.role() == Caller.Role.EHR && OrganisationLabels.isShared(resource.fhirType())) {
			throw new ForbiddenOperationException("Access denied: the directory is kept by the centre; an EHR may add "
					+ resource.fhirType() + " resources but not change or delete them");
		}
	}

	private static boolean sameCaseLinks(Task before, Task after) {
		return Base.compareDeep(before.getFocus(), after.getFocus(), true)
				&& Base.compareDeep(before.getFor(), after.getFor(), true)
				&& Base.compareDeep(before.getOwner(), after.getOwner(), true)
				&& Base.compareDeep(before.getBasedOn(), after.getBasedOn(), true);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void createdWithinCases(RequestDetails request, IBaseResource resource) {
		checkWritten(request, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updatedWithinCases(RequestDetails request, IBaseResource newResource) {
		checkWritten(request, newResource);
	}

	/**
	 * Once its references are resolved: an EHR's resource refers only to its organisation's resources
	 * (references and attachment urls); an expert's belongs to an assigned case.
	 */
	private void checkWritten(RequestDetails request, IBaseResource resource) {
		externalCaller(request).filter(CaseAccess::isConfined).ifPresent(caller -> {
			if (caller.role() == Caller.Role.EXPERT) {
				// within an assigned case, and referring to nothing of another organisation's (which would then see it)
				boolean withinCases = !OrganisationLabels.isLabelled(resource.fhirType())
						|| (access.mayReach(caller, resource, request) && access.assignedCases(caller, request)
								.organisations().containsAll(OrganisationLabels.of(resource)));
				if (!withinCases) {
					throw new ForbiddenOperationException("Access denied: " + resource.fhirType()
							+ " is not part of a case assigned to you");
				}
				return;
			}
			var terser = fhirContext.newTerser();
			terser.getAllResourceReferences(resource).stream()
					.map(info -> info.getResourceReference().getReferenceElement())
					.filter(id -> id.hasResourceType() && id.hasIdPart() && !id.isAbsolute()
							&& OrganisationLabels.isLabelled(id.getResourceType()))
					.filter(id -> !referencedLabels.ofTarget(id, request).contains(caller.organization()))
					.findFirst()
					.ifPresent(id -> {
						throw new ForbiddenOperationException("Access denied: " + resource.fhirType()
								+ " refers to a resource that is not among your organisation's cases");
					});
			// a record's file by url (any url ending in Binary/[id], as experts' access reads them): another
			// organisation's stored file is no more usable than its patient
			terser.getAllPopulatedChildElementsOfType(resource, Attachment.class).stream()
					.map(attachment -> AssignedCases.binaryIn(attachment.getUrl()))
					.flatMap(Optional::stream)
					.map(binary -> referencedLabels.ofTarget(new IdType(binary), request))
					.filter(labels -> !labels.isEmpty() && !labels.contains(caller.organization()))
					.findFirst()
					.ifPresent(labels -> {
						throw new ForbiddenOperationException("Access denied: " + resource.fhirType()
								+ " points to a stored file that is not among your organisation's cases");
					});
		});
	}

	/**
	 * {@code $everything} leaves out what a confined caller may not see (e.g. the audit trail's events about
	 * the patient, or types outside its scopes) instead of refusing the whole answer.
	 */
	@Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -10)
	public void everythingShowsOnlyReachable(RequestDetails request, IPreResourceShowDetails details) {
		if (request == null || !"$everything".equals(request.getOperation())) {
			return;
		}
		externalCaller(request).filter(CaseAccess::isConfined).ifPresent(caller -> {
			for (int i = 0; i < details.size(); i++) {
				IBaseResource resource = details.getResource(i);
				if (resource != null && (!caller.may(resource.fhirType(), SmartScope.Permission.READ)
						|| !access.mayReach(caller, resource, request))) {
					details.setResource(i, null);
				}
			}
		});
	}

	private static void refuseOpinionByCoordinator(Caller caller, IBaseResource resource) {
		if (caller.role() == Caller.Role.COORDINATOR && "DiagnosticReport".equals(resource.fhirType())) {
			throw new ForbiddenOperationException("Access denied: coordinators do not write opinions");
		}
	}

	/** The caller of a client's request; none for the server's own writes (e.g. the case workflow's Task). */
	static Optional<Caller> externalCaller(RequestDetails request) {
		return request == null || request instanceof SystemRequestDetails ? Optional.empty() : Caller.current();
	}

	static ForbiddenOperationException outside(IIdType id) {
		return new ForbiddenOperationException("Access denied: " + id.toUnqualifiedVersionless().getValue()
				+ " is not among the cases you may reach");
	}
}

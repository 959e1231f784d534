package org.example.secondopinion.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.i18n.Msg;
import java.util.Optional;
import org.example.secondopinion.access.AccessPolicy;
import org.example.secondopinion.access.Actor;
import org.example.secondopinion.access.Decision;
import org.example.secondopinion.access.Membership;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HAPI adapters share: the {@link AccessPolicy}, the caller of a request as an {@link Actor}
 * (an expert's cases looked up once per request), a resource's {@link Membership}, and how a decision
 * is answered. A refusal about a resource outside the caller's reach is thrown exactly as HAPI answers
 * for a resource that does not exist, so the two cannot be told apart.
 */
public class CaseAccess {

	private static final Logger log = LoggerFactory.getLogger(CaseAccess.class);
	private static final String ACTOR = CaseAccess.class.getName() + ".actor";

	private final AccessPolicy policy = new AccessPolicy();
	private final DaoRegistry daos;
	private final MembershipOf memberships;
	private final PatientOfCaller patients;

	public CaseAccess(DaoRegistry daos, MembershipOf memberships, PatientOfCaller patients) {
		this.daos = daos;
		this.memberships = memberships;
		this.patients = patients;
	}

	public AccessPolicy policy() {
		return policy;
	}

	public Membership membership(IBaseResource resource) {
		return memberships.of(resource);
	}

	/** The caller of a client's request; the server for its own work (no token, or an internal request). */
	public Actor actor(RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails) {
			return Actor.server();
		}
		return (Actor) request.getUserData().computeIfAbsent(ACTOR,
				key -> Caller.current().map(caller -> actorOf(caller, request)).orElse(Actor.server()));
	}

	private Actor actorOf(Caller caller, RequestDetails request) {
		return switch (caller.role()) {
			case EHR -> Actor.ehr(caller.organization());
			case EXPERT -> Actor.expert(AssignedCases.of(caller, daos).asAssignment());
			case COORDINATOR -> Actor.coordinator();
			case PATIENT -> Actor.patient(patients.of(caller, request).orElse(null));
			case SERVER -> Actor.server();
		};
	}

	/** For a single check outside HAPI's request processing (the streamed Binary path). */
	public Actor actor(Caller caller) {
		return actorOf(caller, new ca.uhn.fhir.rest.server.servlet.ServletRequestDetails());
	}

	public boolean mayRead(Actor actor, IBaseResource resource) {
		return policy.read(actor, membership(resource)).allowed();
	}

	/**
	 * Reads a stored resource as the server; for a deleted one, its last version before the delete (so a
	 * deleted resource stays someone's); empty when it never existed.
	 */
	public Optional<IBaseResource> stored(IIdType id) {
		if (!daos.isResourceTypeSupported(id.getResourceType())) {
			return Optional.empty();
		}
		var dao = daos.getResourceDao(id.getResourceType());
		IIdType versionless = id.toUnqualifiedVersionless();
		try {
			return Optional.of(dao.read(versionless, new SystemRequestDetails()));
		} catch (ResourceGoneException gone) {
			IBaseResource deleted = dao.read(versionless, new SystemRequestDetails(), true);
			long deletedVersion = deleted.getIdElement().getVersionIdPartAsLong();
			return deletedVersion > 1
					? Optional.of(dao.read(versionless.withVersion(Long.toString(deletedVersion - 1)), new SystemRequestDetails()))
					: Optional.empty();
		} catch (ResourceNotFoundException missing) {
			return Optional.empty();
		}
	}

	/** Throws the decision's refusal, if it is one. */
	public void enforce(Decision decision, IIdType subject) {
		if (decision.allowed()) {
			return;
		}
		log.info("Refused by rule {}: {}", decision.rule(), subject == null ? "" : subject.toUnqualifiedVersionless().getValue());
		throw refusal(decision, subject);
	}

	public static BaseServerResponseException refusal(Decision decision, IIdType subject) {
		return switch (decision.outcome()) {
			case NOT_FOUND -> notFound(subject);
			case INVALID -> new UnprocessableEntityException(decision.describe());
			default -> new ForbiddenOperationException(decision.describe());
		};
	}

	/** HAPI's own answer for an id that does not exist, word for word. */
	public static ResourceNotFoundException notFound(IIdType id) {
		String value = id == null ? "" : id.toUnqualifiedVersionless().getValue();
		return new ResourceNotFoundException(Msg.code(2001) + "Resource " + value + " is not known");
	}

	/**
	 * The check as a HAPI rule tester for read rules, so that HAPI's authorization checks every resource
	 * it returns against the same policy as {@link ReadGuard} does.
	 */
	public IAuthRuleTester readTester() {
		return new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest test) {
				return test.resource == null || mayRead(actor(test.requestDetails), test.resource);
			}

			@Override
			public boolean matchesOutput(RuleTestRequest test) {
				return test.resource == null || mayRead(actor(test.requestDetails), test.resource);
			}
		};
	}
}

package org.example.secondopinion.profiles;

import ca.uhn.fhir.batch2.coordinator.JobDefinitionRegistry;
import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.Resource;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import java.util.List;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Stores our implementation guide in the server at start-up, so that it is served
 * ({@code StructureDefinition?url=...}), listed in the CapabilityStatement and used by validation.
 * Each resource is written under its own id with an update: loading the same guide again changes
 * nothing, and a changed guide becomes a new version of each changed resource.
 *
 * <p>It runs as a lifecycle phase before the web server opens, so no request is ever validated
 * without our profiles. It runs at every start, with no setting to skip it: with the guide already
 * stored it only compares, and a server that skipped it would validate without our profiles (a new
 * database) or with an older version of them (an upgraded server).
 */
@Component
public class ImplementationGuideLoader implements SmartLifecycle {

	/** Marks the loader's own writes, which need no validation on write. */
	public static final String LOADING_GUIDE = ImplementationGuideLoader.class.getName();

	private static final Logger log = LoggerFactory.getLogger(ImplementationGuideLoader.class);

	private final FhirContext fhirContext;
	private final DaoRegistry daoRegistry;
	private final IValidationSupport validationSupport;
	private final ISearchParamRegistry searchParamRegistry;
	private final JobDefinitionRegistry jobDefinitions;
	private final List<JobDefinition<?>> jobs;

	public ImplementationGuideLoader(
			FhirContext fhirContext,
			DaoRegistry daoRegistry,
			IValidationSupport validationSupport,
			ISearchParamRegistry searchParamRegistry,
			JobDefinitionRegistry jobDefinitions,
			List<JobDefinition<?>> jobs) {
		this.fhirContext = fhirContext;
		this.daoRegistry = daoRegistry;
		this.validationSupport = validationSupport;
		this.searchParamRegistry = searchParamRegistry;
		this.jobDefinitions = jobDefinitions;
		this.jobs = jobs;
	}

	private volatile boolean loaded;

	@Override
	public void start() {
		long start = System.nanoTime();
		ImplementationGuidePackage guide = ImplementationGuidePackage.load(fhirContext);
		// A stored SearchParameter starts a reindex job; HAPI registers its job definitions only when the
		// context has been refreshed, which is after this phase, so register them now (it is idempotent).
		jobs.forEach(jobDefinitions::addJobDefinitionIfNotRegistered);
		int changed = 0;
		for (IBaseResource resource : guide.resourcesInLoadOrder()) {
			changed += store(resource) ? 1 : 0;
		}
		// Our profiles and search parameters apply from the first request on, not after the next cache refresh.
		validationSupport.invalidateCaches();
		searchParamRegistry.forceRefresh();
		loaded = true;
		log.info("Implementation guide loaded: {} conformance resources, {} new or changed, in {} ms",
				guide.resources().size(), changed, (System.nanoTime() - start) / 1_000_000);
	}

	@Override
	public void stop() {
		loaded = false;
	}

	@Override
	public boolean isRunning() {
		return loaded;
	}

	/** Before the web server, which starts in a late phase, so requests never meet an unloaded guide. */
	@Override
	public int getPhase() {
		return 0;
	}

	private boolean store(IBaseResource resource) {
		SystemRequestDetails request = new SystemRequestDetails();
		request.getUserData().put(LOADING_GUIDE, Boolean.TRUE);
		IFhirResourceDao<IBaseResource> dao = daoRegistry.getResourceDao(resource.fhirType());
		if (storedUnchanged(dao, resource, request)) {
			return false;
		}
		DaoMethodOutcome outcome = dao.update(resource, request);
		return !outcome.isNop();
	}

	/**
	 * Whether the server already holds this resource as it is in the guide. HAPI's own no-change check
	 * does not hold with tags stored inline (see HapiJpaWiring), so the loader compares for itself:
	 * everything but the id's version and meta, which the server writes.
	 */
	private boolean storedUnchanged(IFhirResourceDao<IBaseResource> dao, IBaseResource resource, SystemRequestDetails request) {
		try {
			Resource stored = (Resource) dao.read(resource.getIdElement().toUnqualifiedVersionless(), request);
			Resource candidate = ((Resource) resource).copy();
			Resource current = stored.copy();
			for (Resource each : new Resource[] {candidate, current}) {
				each.setMeta(null);
				each.setIdElement(null);
			}
			return candidate.equalsDeep(current);
		} catch (ResourceNotFoundException | ResourceGoneException notStoredYet) {
			return false;
		}
	}
}

package org.example.secondopinion.audit;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stores AuditEvents in the server's own database, off the request thread: requests do not wait for
 * their audit record, and an audit record is never part of (or able to fail) the transaction it
 * describes. Records are written in batches, each at most about a second after it was recorded
 * ({@link #LINGER}). Records still queued when the server stops are written before it stops (for up to
 * 15 s); a crash loses those still queued. The queue holds 100,000 records; when it is full, requests wait for room.
 *
 * <p>Each agent identified by a client id gets it as {@code altId}, so the trail is searchable by
 * client ({@code AuditEvent?altid=st-elsewhere-ehr}).
 */
public class AuditTrail implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
	private static final int BATCH = 200;
	/**
	 * How long the writer waits for more events before it writes a batch that is not full. Every read and
	 * search records an event, and a transaction of one AuditEvent costs much of what a transaction of many
	 * costs (H2 writes out every page a transaction changed, its store being copy-on-write), so waiting makes
	 * the writer's transactions, and the writes that compete with requests for the database, fewer. The price:
	 * events become searchable up to this much later.
	 */
	private static final java.time.Duration LINGER = java.time.Duration.ofSeconds(1);
	private static final java.time.Duration SHUTDOWN_FLUSH = java.time.Duration.ofSeconds(15);

	private final DaoRegistry daoRegistry;
	private final TransactionTemplate transactions;
	private final EntityManager entityManager;
	private final BlockingQueue<AuditEvent> queue = new LinkedBlockingQueue<>(100_000);
	/** Events recorded, and events stored (or given up on): the difference is what is still to be written. */
	private final AtomicLong recorded = new AtomicLong();
	private final AtomicLong settled = new AtomicLong();
	private volatile boolean running;
	private Thread writer;

	/** @param entityManager the shared (transaction-bound) entity manager HAPI's DAOs use */
	public AuditTrail(DaoRegistry daoRegistry, PlatformTransactionManager transactionManager, EntityManager entityManager) {
		this.daoRegistry = daoRegistry;
		this.transactions = new TransactionTemplate(transactionManager);
		this.entityManager = entityManager;
	}

	public void record(AuditEvent event) {
		for (AuditEventAgentComponent agent : event.getAgent()) {
			if (!agent.hasAltId() && agent.getWho().getIdentifier().hasValue()) {
				agent.setAltId(agent.getWho().getIdentifier().getValue());
			}
		}
		recorded.incrementAndGet();
		try {
			// a full queue holds the request back rather than lose its record: back-pressure under overload
			if (!queue.offer(event, 30, TimeUnit.SECONDS)) {
				settled.incrementAndGet();
				log.error("Audit queue full for 30 s: an AuditEvent was dropped ({} {})", event.getSubtypeFirstRep().getCode(),
						event.getOutcome());
			}
		} catch (InterruptedException e) {
			settled.incrementAndGet();
			Thread.currentThread().interrupt();
			log.error("Interrupted while queueing an AuditEvent ({})", event.getSubtypeFirstRep().getCode());
		}
	}

	@Override
	public void start() {
		running = true;
		writer = new Thread(this::writeUntilStopped, "audit-trail-writer");
		writer.setDaemon(true);
		writer.start();
	}

	/**
	 * Writes what is still queued, for at most {@link #SHUTDOWN_FLUSH}: a long backlog must not hold a
	 * stopping node (and its database connections) indefinitely. What is left is counted in the log.
	 */
	@Override
	public void stop() {
		running = false;
		writer.interrupt();
		try {
			writer.join(TimeUnit.SECONDS.toMillis(5));
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		long deadline = System.nanoTime() + SHUTDOWN_FLUSH.toNanos();
		while (!queue.isEmpty() && System.nanoTime() < deadline) {
			List<AuditEvent> batch = new ArrayList<>();
			queue.drainTo(batch, BATCH);
			write(batch);
		}
		if (!queue.isEmpty()) {
			log.error("{} AuditEvents were still queued when the server stopped and are lost", queue.size());
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** After the database and HAPI (phase 0), before the web server stops taking requests. */
	@Override
	public int getPhase() {
		return 5;
	}

	private void writeUntilStopped() {
		while (running) {
			try {
				List<AuditEvent> batch = new ArrayList<>(BATCH);
				try {
					collect(batch);
				} catch (InterruptedException stopping) {
					// stop() writes what is queued: hand the batch back rather than write it on an interrupted thread
					long lost = batch.stream().filter(event -> !queue.offer(event)).count();
					if (lost > 0) {
						settled.addAndGet(lost);
						log.error("{} AuditEvents could not be queued again as the server stopped and are lost", lost);
					}
					return;
				}
				write(batch);
			} catch (RuntimeException e) {
				log.error("Could not store AuditEvents", e);
			}
		}
	}

	/** Waits for a first event, then for up to {@link #LINGER} more, until the batch is full. */
	private void collect(List<AuditEvent> batch) throws InterruptedException {
		AuditEvent first = queue.poll(500, TimeUnit.MILLISECONDS);
		if (first == null) {
			return;
		}
		batch.add(first);
		long deadline = System.nanoTime() + LINGER.toNanos();
		while (batch.size() < BATCH) {
			queue.drainTo(batch, BATCH - batch.size());
			long left = deadline - System.nanoTime();
			AuditEvent next = left > 0 && batch.size() < BATCH ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
			if (next == null) {
				return;
			}
			batch.add(next);
		}
	}

	/** Writes a batch and counts it as settled, stored or not. */
	private void write(List<AuditEvent> events) {
		try {
			writeBatch(events);
		} finally {
			settled.addAndGet(events.size());
		}
	}

	/**
	 * A batch in one database transaction; if that fails, one by one, so one bad event loses only itself.
	 * The batch is flushed once, at commit (as HAPI does for a transaction bundle): with Hibernate's
	 * default, every reference lookup of every create flushed and dirty-checked all the events stored
	 * before it in the batch, and the writer's cost grew with the square of the batch (measured under
	 * load: a quarter of the server's CPU, about 60 events stored per second).
	 */
	private void writeBatch(List<AuditEvent> events) {
		if (events.isEmpty()) {
			return;
		}
		IFhirResourceDao<AuditEvent> dao = daoRegistry.getResourceDao(AuditEvent.class);
		try {
			transactions.executeWithoutResult(status -> {
				entityManager.setFlushMode(FlushModeType.COMMIT);
				events.forEach(event -> dao.create(event, new SystemRequestDetails()));
			});
		} catch (RuntimeException batchFailed) {
			for (AuditEvent event : events) {
				try {
					dao.create(event, new SystemRequestDetails());
				} catch (RuntimeException refused) {
					storeWithTextReferences(dao, event, refused);
				}
			}
		}
	}

	/**
	 * The server refuses references to deleted resources, and an event can be written after its resource
	 * was deleted (the event of the delete itself, or of a read just before it): the event then keeps
	 * the resource's id as text in {@code entity.what.display}.
	 */
	private static void storeWithTextReferences(IFhirResourceDao<AuditEvent> dao, AuditEvent event, RuntimeException refused) {
		event.getEntity().stream().map(AuditEvent.AuditEventEntityComponent::getWhat).filter(what -> what.hasReference())
				.forEach(what -> {
					what.setDisplay(what.getReference());
					what.setReference(null);
				});
		try {
			dao.create(event, new SystemRequestDetails());
		} catch (RuntimeException e) {
			log.error("Could not store an AuditEvent ({} {}): {}", event.getSubtypeFirstRep().getCode(), event.getOutcomeDesc(),
					refused.getMessage(), e);
		}
	}

	/** Events not yet stored: queued, or in the batch being collected or written. Tests wait for zero. */
	public long pending() {
		return recorded.get() - settled.get();
	}
}

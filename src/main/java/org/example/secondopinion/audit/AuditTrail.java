package org.example.secondopinion.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the audit trail ({@link AuditRecords}) so that no answer goes out before its record is stored.
 *
 * <ul>
 *   <li>A record made inside a database transaction that writes (a create, update or delete: HAPI's
 *       audit interceptor records them just before commit) is stored in that transaction, all of its
 *       records in one batch as it commits: a committed write always has its record, and a write that
 *       rolls back leaves none.
 *   <li>Any other record (a read, a search, a refusal) is stored by one writer thread, many at a time in
 *       one transaction (group commit): a read's record is stored before its answer is sent, a refusal's
 *       before the refusal. Callers outside a transaction wait for it at once; a read recorded inside
 *       HAPI's read-only transaction waits as its answer is about to go out ({@link #awaitReadsRecorded}),
 *       not while it holds a database connection the writer may need.
 * </ul>
 *
 * If a record cannot be stored, the request fails ({@code 500}) rather than answer unrecorded.
 */
@Interceptor
public class AuditTrail implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
	private static final int BATCH = 500;
	private static final Duration WAIT = Duration.ofSeconds(30);

	private final AuditRecords records;
	private final TransactionTemplate ownTransaction;
	private final BlockingQueue<Queued> queue = new LinkedBlockingQueue<>(100_000);
	/** Records of this thread's request that are queued, awaited before its answer goes out. */
	private final ThreadLocal<List<CompletableFuture<Void>>> unconfirmed = ThreadLocal.withInitial(ArrayList::new);
	private volatile boolean running;
	private Thread writer;

	private record Queued(AuditEvent event, CompletableFuture<Void> stored) {}

	public AuditTrail(AuditRecords records, DataSource dataSource) {
		this.records = records;
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	public void record(AuditEvent event) {
		for (AuditEventAgentComponent agent : event.getAgent()) {
			if (!agent.hasAltId() && agent.getWho().getIdentifier().hasValue()) {
				agent.setAltId(agent.getWho().getIdentifier().getValue());
			}
		}
		if (TransactionSynchronizationManager.isActualTransactionActive() && !TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			storedAtCommit().events.add(event);
		} else if (TransactionSynchronizationManager.isActualTransactionActive()) {
			// never waits for room here: the request holds a database connection the writer may need
			unconfirmed.get().add(enqueue(event, Duration.ZERO));
		} else {
			await(List.of(enqueue(event, WAIT)));
		}
	}

	/** Reads recorded during the request are stored before the answer goes out. */
	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void awaitReadsRecorded() {
		List<CompletableFuture<Void>> waiting = unconfirmed.get();
		unconfirmed.remove();
		await(waiting);
	}

	/** A request that ended without an answer (an error) leaves nothing to wait for on its thread. */
	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
	public void forgetRequest() {
		unconfirmed.remove();
	}

	/** The current transaction's records, stored in one batch as it commits. */
	private TransactionRecords storedAtCommit() {
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof TransactionRecords mine && mine.trail == this) {
				return mine;
			}
		}
		TransactionRecords created = new TransactionRecords(this);
		TransactionSynchronizationManager.registerSynchronization(created);
		return created;
	}

	private static final class TransactionRecords implements TransactionSynchronization {
		private final AuditTrail trail;
		private final List<AuditEvent> events = new ArrayList<>();

		private TransactionRecords(AuditTrail trail) {
			this.trail = trail;
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			trail.records.insert(events);
		}
	}

	/** @param room how long to wait for room in a full queue: back-pressure under overload */
	private CompletableFuture<Void> enqueue(AuditEvent event, Duration room) {
		CompletableFuture<Void> stored = new CompletableFuture<>();
		try {
			if (!queue.offer(new Queued(event, stored), room.toMillis(), TimeUnit.MILLISECONDS)) {
				stored.completeExceptionally(new IllegalStateException("the audit queue is full (" + queue.size() + " records)"));
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			stored.completeExceptionally(e);
		}
		return stored;
	}

	private static void await(List<CompletableFuture<Void>> waiting) {
		try {
			CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		} catch (ExecutionException | TimeoutException e) {
			Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
			log.error("The audit trail could not record a request; it is answered with an error", cause);
			throw new InternalErrorException("The audit trail could not record this request, so it is not answered", cause);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new InternalErrorException("Interrupted while the audit trail recorded this request", e);
		}
	}

	@Override
	public void start() {
		running = true;
		writer = new Thread(this::writeUntilStopped, "audit-trail-writer");
		writer.setDaemon(true);
		writer.start();
	}

	/** The writer stores what is queued, then stops: every queued record belongs to a request still waiting for it. */
	@Override
	public void stop() {
		running = false;
		try {
			writer.join(TimeUnit.SECONDS.toMillis(15));
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		if (!queue.isEmpty()) {
			log.error("{} audit records were still queued when the server stopped; their requests were refused", queue.size());
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
		while (running || !queue.isEmpty()) {
			try {
				Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				List<Queued> batch = new ArrayList<>(BATCH);
				batch.add(first);
				queue.drainTo(batch, BATCH - 1);
				write(batch);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			} catch (RuntimeException | Error e) {
				// the writer carries on: every request that records something waits for it
				log.error("The audit trail writer failed", e);
			}
		}
	}

	/** A batch in one transaction; if that fails, one by one, so that one bad record fails only its own request. */
	private void write(List<Queued> batch) {
		try {
			ownTransaction.executeWithoutResult(status -> records.insert(batch.stream().map(Queued::event).toList()));
			batch.forEach(queued -> queued.stored().complete(null));
		} catch (RuntimeException batchFailed) {
			for (Queued queued : batch) {
				try {
					ownTransaction.executeWithoutResult(status -> records.insert(List.of(queued.event())));
					queued.stored().complete(null);
				} catch (RuntimeException refused) {
					queued.stored().completeExceptionally(refused);
				}
			}
		}
	}
}

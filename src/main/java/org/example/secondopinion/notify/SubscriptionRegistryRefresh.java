package org.example.secondopinion.notify;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Re-reads the stored subscriptions into HAPI's in-memory registry every few seconds. The node that
 * stores a Subscription registers it at once, but another node on the same database would only learn
 * of it at HAPI's own refresh, once a minute; until then a change matched on that node would miss it.
 */
public class SubscriptionRegistryRefresh implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistryRefresh.class);

	private final SubscriptionLoader loader;
	private final Duration interval;
	private ScheduledExecutorService scheduler;
	private volatile boolean refreshedOnce;

	public SubscriptionRegistryRefresh(SubscriptionLoader loader, Duration interval) {
		this.loader = loader;
		this.interval = interval;
	}

	@Override
	public void start() {
		scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "subscription-registry-refresh");
			thread.setDaemon(true);
			return thread;
		});
		scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void refresh() {
		try {
			loader.forceRefresh();
			refreshedOnce = true;
		} catch (RuntimeException e) {
			log.warn("Refreshing the subscription registry failed: {}", e.toString());
		}
	}

	/** Whether the registry has been read from the database since this node started. */
	public boolean hasRefreshed() {
		return refreshedOnce;
	}

	@Override
	public void stop() {
		scheduler.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return scheduler != null && !scheduler.isShutdown();
	}
}

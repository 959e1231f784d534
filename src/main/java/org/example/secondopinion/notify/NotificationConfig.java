package org.example.secondopinion.notify;

import ca.uhn.fhir.broker.api.IBrokerClient;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.data.IResourceModifiedDao;
import ca.uhn.fhir.jpa.dao.tx.HapiTransactionService;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.subscription.SubscriptionChannelFactory;
import ca.uhn.fhir.subscription.api.IResourceModifiedMessagePersistenceSvc;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.match.deliver.resthook.SubscriptionDeliveringRestHookListener;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionMatcherInterceptorConfig;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicConfig;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * Subscriptions: HAPI's matching of changes against criteria-based and topic-based (R5 backport)
 * rest-hook subscriptions, with delivery taken over by our durable outbox, the endpoint rules, and
 * the delivery log operation.
 */
@Configuration
@EnableConfigurationProperties(NotificationProperties.class)
@Import({
	SubscriptionSubmitterConfig.class,
	SubscriptionMatcherInterceptorConfig.class,
	SubscriptionProcessorConfig.class,
	SubscriptionTopicConfig.class
})
public class NotificationConfig {

	@Bean
	public SubscriptionSettings subscriptionSettings(NotificationProperties properties) {
		SubscriptionSettings settings = new SubscriptionSettings();
		// EHRs are notified by rest-hook; no websocket, email or messaging channels.
		settings.addSupportedSubscriptionType(org.hl7.fhir.dstu2.model.Subscription.SubscriptionChannelType.RESTHOOK);
		// HAPI stores each change in the same transaction and hands it to matching from a scheduled job
		// (every 5 s by default): this interval is most of the latency from a change to its notification.
		settings.setSubscriptionIntervalInMs(properties.matchingInterval().toMillis());
		return settings;
	}

	/** Replaces HAPI's channel factory (same type): see {@link InOrderSubscriptionChannels}. */
	@Bean
	@Primary
	public SubscriptionChannelFactory inOrderSubscriptionChannels(IBrokerClient brokerClient) {
		return new InOrderSubscriptionChannels(brokerClient);
	}

	/** Replaces HAPI's store of changes to match (same type): see {@link ChangesInVersionOrder}. */
	@Bean
	@Primary
	public IResourceModifiedMessagePersistenceSvc changesInVersionOrder(FhirContext fhirContext, IResourceModifiedDao changes,
			DaoRegistry daoRegistry, HapiTransactionService transactions) {
		return new ChangesInVersionOrder(fhirContext, changes, daoRegistry, transactions);
	}

	@Bean
	public Clock notificationClock() {
		return Clock.systemUTC();
	}

	/** HAPI wants an email sender; email subscriptions are not supported here (only rest-hook is enabled). */
	@Bean
	public IEmailSender noEmailSender() {
		return email -> {
			throw new UnsupportedOperationException("Email subscriptions are not supported by this server");
		};
	}

	@Bean
	public DeliveryOutbox deliveryOutbox(DataSource dataSource) {
		return new DeliveryOutbox(dataSource);
	}

	@Bean
	public DeliveryWorker deliveryWorker(
			DeliveryOutbox outbox,
			SubscriptionRegistry subscriptionRegistry,
			DaoRegistry daoRegistry,
			ObjectProvider<SubscriptionDeliveringRestHookListener> restHookSenders,
			NotificationProperties properties,
			Clock notificationClock) {
		return new DeliveryWorker(outbox, subscriptionRegistry, new StoredSubscriptions(daoRegistry), restHookSenders::getObject, properties, notificationClock);
	}

	@Bean
	public SubscriptionRegistryRefresh subscriptionRegistryRefresh(SubscriptionLoader loader, NotificationProperties properties) {
		return new SubscriptionRegistryRefresh(loader, properties.registryRefreshInterval());
	}

	/** Registered storage-wide: HAPI submits changes to matching from any write, REST or not. */
	@Bean
	public UnsubscribedChanges unsubscribedChanges(
			SubscriptionRegistry subscriptionRegistry,
			SubscriptionTopicRegistry topicRegistry,
			SubscriptionRegistryRefresh registryRefresh,
			IInterceptorService interceptorService,
			NotificationProperties properties,
			Clock notificationClock) {
		// an updated subscription: by then HAPI's matching job has re-registered it, or two of our refreshes have
		Duration updateWindow = properties.registryRefreshInterval().multipliedBy(2).plus(properties.matchingInterval());
		UnsubscribedChanges filter = new UnsubscribedChanges(subscriptionRegistry, topicRegistry, registryRefresh::hasRefreshed,
				updateWindow, notificationClock);
		interceptorService.registerInterceptor(filter);
		return filter;
	}

	@Bean
	public RestHookToOutbox restHookToOutbox(
			DeliveryOutbox outbox,
			DeliveryWorker worker,
			FhirContext fhirContext,
			Clock notificationClock,
			IInterceptorService interceptorService,
			org.example.secondopinion.security.SubscriberReach reach) {
		RestHookToOutbox interceptor = new RestHookToOutbox(outbox, worker, fhirContext, notificationClock, reach::reaches);
		// HAPI's delivery runs outside any REST request, so the hook goes on the storage-level broadcaster.
		interceptorService.registerInterceptor(interceptor);
		return interceptor;
	}

	@Bean
	public FocusVersion focusVersion(FhirContext fhirContext, IInterceptorService interceptorService) {
		FocusVersion interceptor = new FocusVersion(fhirContext);
		// matching runs outside any REST request: on the storage-level broadcaster, as the outbox hook
		interceptorService.registerInterceptor(interceptor);
		return interceptor;
	}

	@Bean
	public FhirServerExtension notificationEndpoints(NotificationProperties properties, DeliveryOutbox outbox) {
		return server -> {
			server.registerInterceptor(new SubscriptionEndpointRules(properties.endpointPolicy()));
			server.registerProvider(new DeliveryLogOperation(outbox));
		};
	}
}

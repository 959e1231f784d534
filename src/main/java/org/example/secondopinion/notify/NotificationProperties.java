package org.example.secondopinion.notify;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of subscription notifications, bound from {@code second-opinion.notifications.*}.
 *
 * @param allowedHosts     host names a rest-hook endpoint may point to; {@code *.example.org} allows
 *                         every subdomain. Empty: no outside endpoint is allowed.
 * @param development      also allow {@code http://localhost} (and 127.0.0.1) endpoints, for a
 *                         developer's own receiver; never on in production
 * @param retry            how long and how often a failed delivery is tried again
 * @param matchingInterval how often changes stored by HAPI are matched against the subscriptions
 * @param registryRefreshInterval how often each node re-reads the stored subscriptions (see
 *                         {@link SubscriptionRegistryRefresh}); bounds how long a subscription made
 *                         on one node waits to take effect on the others
 * @param pollInterval     how often the delivery worker looks for notifications that are due
 * @param deliveryThreads  notifications delivered in parallel (to different subscriptions)
 * @param logRetention     how long delivered, failed and cancelled notifications stay in the delivery log
 */
@ConfigurationProperties("second-opinion.notifications")
public record NotificationProperties(
		@DefaultValue List<String> allowedHosts,
		@DefaultValue("false") boolean development,
		@DefaultValue Retry retry,
		@DefaultValue("500ms") Duration matchingInterval,
		@DefaultValue("5s") Duration registryRefreshInterval,
		@DefaultValue("1s") Duration pollInterval,
		@DefaultValue("4") int deliveryThreads,
		@DefaultValue("30d") Duration logRetention) {

	/**
	 * Retries with exponential backoff: the n-th retry waits {@code initialDelay × multiplier^(n-1)},
	 * at most {@code maxDelay}, until the notification is {@code giveUpAfter} old.
	 */
	public record Retry(
			@DefaultValue("10s") Duration initialDelay,
			@DefaultValue("2.0") double multiplier,
			@DefaultValue("15m") Duration maxDelay,
			@DefaultValue("72h") Duration giveUpAfter) {

		public RetrySchedule schedule() {
			return new RetrySchedule(initialDelay, multiplier, maxDelay, giveUpAfter);
		}
	}

	public EndpointPolicy endpointPolicy() {
		return new EndpointPolicy(allowedHosts, development);
	}
}

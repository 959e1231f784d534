package org.example.secondopinion.notify;

import ca.uhn.fhir.broker.api.IBrokerClient;
import ca.uhn.fhir.jpa.subscription.channel.subscription.SubscriptionChannelFactory;

/**
 * HAPI's subscription channels with one consumer each, so that a subscription's notifications reach the
 * {@link DeliveryOutbox} in the order the changes were stored.
 *
 * <p>HAPI hands the stored changes to matching oldest first, but matches them on five threads and then
 * passes each notification to the subscription's own delivery channel, read by two threads. Two changes
 * close together could then overtake each other on the way (HAPI numbers the events as they are matched),
 * most often a new subscription's first two, while its delivery channel starts its threads. With one
 * thread per channel each stage keeps the order it was given. Delivery itself is not slowed: the delivery
 * channel only writes the notification to the outbox, and the {@link DeliveryWorker} sends it.
 */
public class InOrderSubscriptionChannels extends SubscriptionChannelFactory {

	public InOrderSubscriptionChannels(IBrokerClient brokerClient) {
		super(brokerClient);
	}

	@Override
	public int getMatchingChannelConcurrentConsumers() {
		return 1;
	}

	@Override
	public int getDeliveryChannelConcurrentConsumers() {
		return 1;
	}
}

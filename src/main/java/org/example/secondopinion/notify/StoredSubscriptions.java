package org.example.secondopinion.notify;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;

/** The Subscription resources as stored, for when HAPI's in-memory registry cannot tell. */
public class StoredSubscriptions {

	private final DaoRegistry daoRegistry;

	public StoredSubscriptions(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	/** True if the subscription exists and is requested or active (not deleted, off or in error). */
	public boolean isActive(String subscriptionId) {
		try {
			Subscription subscription = daoRegistry.getResourceDao(Subscription.class)
					.read(new IdType("Subscription", subscriptionId), new SystemRequestDetails());
			return subscription.getStatus() == Subscription.SubscriptionStatus.ACTIVE
					|| subscription.getStatus() == Subscription.SubscriptionStatus.REQUESTED;
		} catch (ResourceNotFoundException | ResourceGoneException gone) {
			return false;
		}
	}
}

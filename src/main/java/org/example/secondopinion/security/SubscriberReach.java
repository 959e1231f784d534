package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.example.secondopinion.access.AccessPolicy;
import org.example.secondopinion.access.Membership;
import org.example.secondopinion.access.ResourceKinds;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications obey the same boundary as reads: a Subscription an EHR created carries its organisation's
 * label, and it is notified only of changes to that organisation's cases (the access policy's
 * {@code notify-within-reach}). (HAPI matches every
 * subscription against every change; without this an EHR subscribed to "opinion issued" would hear of
 * every hospital's opinions.) Subscriptions without a label, e.g. a coordinator's, hear of every case.
 */
public class SubscriberReach {

	private static final Logger log = LoggerFactory.getLogger(SubscriberReach.class);

	private final DaoRegistry daos;
	private final FhirContext fhirContext;
	private final AccessPolicy policy = new AccessPolicy();

	public SubscriberReach(DaoRegistry daos, FhirContext fhirContext) {
		this.daos = daos;
		this.fhirContext = fhirContext;
	}

	/**
	 * Asked when HAPI hands over a notification ({@code RestHookToOutbox}), once per notification: not on
	 * the retries, which run on the delivery worker's thread.
	 *
	 * @return false to drop the notification
	 */
	public boolean reaches(CanonicalSubscription subscription, ResourceDeliveryMessage message) {
		Optional<Set<String>> labels = labelsOf(subscription.getIdElement(fhirContext));
		if (labels.isEmpty()) {
			return false; // the subscription cannot be read: better no notification than one to the wrong party
		}
		Set<String> subscriber = labels.get();
		if (subscriber.isEmpty()) {
			return true;
		}
		if (subscription.getPayloadSearchCriteria() != null) {
			return false; // its payload would be a search run as the server (refused on write; never sent to an organisation)
		}
		List<IIdType> focuses = focusesOf(message);
		if (focuses.isEmpty() && isEvent(message)) {
			return false; // an event whose case cannot be told (e.g. "empty" content): it may be anyone's
		}
		Membership subscriberMembership = new Membership("Subscription", "", Membership.Kind.CASE_DATA, subscriber, Set.of());
		boolean reachable = focuses.stream().allMatch(focus -> policy.notify(subscriberMembership,
				new Membership(focus.getResourceType(), "", ResourceKinds.of(focus.getResourceType()),
						labelsOf(focus).orElse(Set.of()), Set.of())).allowed());
		if (!reachable) {
			log.debug("Notification of {} not sent to {}: not among the subscriber's cases", focuses, subscription.getIdElement(fhirContext));
		}
		return reachable;
	}

	/**
	 * What the notification is about: the changed resource of a criteria subscription; for a topic
	 * subscription, the resources its notification bundle names (its event's focus, its entries). None
	 * for a handshake or heartbeat.
	 */
	private List<IIdType> focusesOf(ResourceDeliveryMessage message) {
		IBaseResource payload = message.getPayload(fhirContext);
		if (!(payload instanceof Bundle bundle)) {
			IIdType id = message.getPayloadId(fhirContext);
			return id == null ? List.of() : List.of(id);
		}
		List<IIdType> focuses = new ArrayList<>();
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			if (entry.hasFullUrl() && !entry.getFullUrl().startsWith("urn:")) {
				focuses.add(new IdType(entry.getFullUrl()));
			}
			if (entry.hasResource()) {
				fhirContext.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), Reference.class)
						.forEach(reference -> focuses.add(reference.getReferenceElement()));
			}
		}
		return focuses.stream()
				.filter(id -> id.hasResourceType() && id.hasIdPart() && OrganisationLabels.isLabelled(id.getResourceType()))
				.toList();
	}

	/** Whether a topic notification reports an event, not a handshake or heartbeat. */
	private boolean isEvent(ResourceDeliveryMessage message) {
		if (!(message.getPayload(fhirContext) instanceof Bundle bundle)) {
			return false;
		}
		return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
				.filter(Parameters.class::isInstance).map(Parameters.class::cast)
				.flatMap(status -> status.getParameter().stream())
				.anyMatch(parameter -> "type".equals(parameter.getName()) && parameter.getValue() != null
						&& "event-notification".equals(parameter.getValue().primitiveValue()));
	}

	/** The resource's labels; empty if it cannot be read. */
	private Optional<Set<String>> labelsOf(IIdType id) {
		if (id == null || !id.hasResourceType() || !id.hasIdPart()) {
			return Optional.empty();
		}
		try {
			// ids in messages may be absolute and versioned
			IBaseResource resource = daos.getResourceDao(id.getResourceType())
					.read(new IdType(id.getResourceType(), id.getIdPart()), new SystemRequestDetails(), true);
			return Optional.of(OrganisationLabels.of(resource));
		} catch (BaseServerResponseException e) {
			log.debug("No labels for {}: {}", id, e.getMessage());
			return Optional.empty();
		}
	}
}

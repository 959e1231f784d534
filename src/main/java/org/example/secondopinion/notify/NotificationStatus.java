package org.example.secondopinion.notify;

import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * The SubscriptionStatus of a topic notification: in the R4 backport, a Parameters resource as the first
 * entry of the notification Bundle, with {@code events-since-subscription-start} and one
 * {@code notification-event} (its {@code event-number}, its {@code focus}).
 */
final class NotificationStatus {

	private final Parameters status;

	private NotificationStatus(Parameters status) {
		this.status = status;
	}

	/** The status of a topic notification; empty for any other payload (a criteria subscription's resource). */
	static Optional<NotificationStatus> of(IBaseResource payload) {
		if (payload instanceof Bundle bundle && bundle.hasEntry()
				&& bundle.getEntryFirstRep().getResource() instanceof Parameters status
				&& status.getParameter("notification-event") != null) {
			return Optional.of(new NotificationStatus(status));
		}
		return Optional.empty();
	}

	/** Numbers the event (HAPI counts in memory, from 1 again after a restart or on each node). */
	void setEventNumber(long number) {
		String value = Long.toString(number);
		ParametersParameterComponent since = status.getParameter("events-since-subscription-start");
		if (since != null) {
			since.setValue(new StringType(value));
		}
		ParametersParameterComponent event = status.getParameter("notification-event");
		event.getPart().stream().filter(part -> part.getName().equals("event-number")).findFirst()
				.ifPresentOrElse(part -> part.setValue(new StringType(value)),
						() -> event.addPart().setName("event-number").setValue(new StringType(value)));
	}
}

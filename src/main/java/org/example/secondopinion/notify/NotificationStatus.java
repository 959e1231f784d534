package org.example.secondopinion.notify;

import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
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

	/** The event's focus as the notification names it, e.g. {@code Task/123/_history/4}. */
	Optional<String> focus() {
		return focusPart().map(part -> ((Reference) part.getValue()).getReference());
	}

	/** Names the focus with its version (HAPI names it without). */
	void setFocus(IIdType versioned) {
		focusPart().ifPresent(part -> part.setValue(new Reference(versioned.toUnqualified().getValue())));
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

	private Optional<ParametersParameterComponent> focusPart() {
		return status.getParameter("notification-event").getPart().stream()
				.filter(part -> part.getName().equals("focus") && part.getValue() instanceof Reference)
				.findFirst();
	}
}

package org.example.secondopinion.notify;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import java.util.stream.Collectors;
import org.example.secondopinion.notify.Notification.Status;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.UrlType;

/**
 * {@code $delivery-log}: what the server sent, or is still trying to send, to subscribers.
 *
 * <pre>
 * GET [base]/Subscription/$delivery-log[?status=pending|delivered|failed|cancelled][&amp;_count=N]
 * GET [base]/Subscription/[id]/$delivery-log[?status=...][&amp;_count=N]
 * </pre>
 *
 * Answers a Parameters resource with one {@code notification} per delivery, newest first (at most
 * {@code _count}, default 100, maximum 1000). Each has parts {@code id}, {@code subscription},
 * {@code eventNumber} (the subscription's notifications counted from 1, in the order they are sent),
 * {@code endpoint}, {@code event} (topic URL or criteria), {@code focus}, {@code status},
 * {@code attempts}, {@code created}, {@code lastAttempt}, {@code nextAttempt} (while pending),
 * {@code delivered} and {@code lastError}. An unknown status answers 400.
 */
public class DeliveryLogOperation {

	private static final int DEFAULT_COUNT = 100;
	private static final int MAX_COUNT = 1000;

	private final DeliveryOutbox outbox;

	public DeliveryLogOperation(DeliveryOutbox outbox) {
		this.outbox = outbox;
	}

	@Operation(name = "$delivery-log", type = Subscription.class, idempotent = true)
	public Parameters allSubscriptions(
			@OperationParam(name = "status", max = 1) CodeType status,
			@OperationParam(name = "_count", max = 1) IntegerType count) {
		return log(Optional.empty(), status, count);
	}

	@Operation(name = "$delivery-log", type = Subscription.class, idempotent = true)
	public Parameters oneSubscription(
			@IdParam IdType subscription,
			@OperationParam(name = "status", max = 1) CodeType status,
			@OperationParam(name = "_count", max = 1) IntegerType count) {
		return log(Optional.of("Subscription/" + subscription.getIdPart()), status, count);
	}

	private Parameters log(Optional<String> subscription, CodeType status, IntegerType count) {
		int limit = count == null || count.getValue() == null ? DEFAULT_COUNT : Math.max(1, Math.min(MAX_COUNT, count.getValue()));
		Parameters log = new Parameters();
		outbox.log(subscription, status(status), limit).forEach(notification -> log.addParameter(describe(notification)));
		return log;
	}

	private static Optional<Status> status(CodeType code) {
		if (code == null || code.isEmpty()) {
			return Optional.empty();
		}
		return Arrays.stream(Status.values())
				.filter(status -> status.code().equals(code.getValue()))
				.findFirst()
				.or(() -> {
					throw new InvalidRequestException("Unknown status '" + code.getValue() + "'; use one of "
							+ Arrays.stream(Status.values()).map(Status::code).collect(Collectors.joining(", ")));
				});
	}

	private static ParametersParameterComponent describe(Notification notification) {
		ParametersParameterComponent part = new ParametersParameterComponent().setName("notification");
		part.addPart().setName("id").setValue(new StringType(String.valueOf(notification.id())));
		part.addPart().setName("subscription").setValue(new Reference(notification.subscription()));
		optional(part, "eventNumber", notification.eventNumber() == null ? null : new IntegerType(notification.eventNumber().intValue()));
		part.addPart().setName("endpoint").setValue(new UrlType(notification.endpoint()));
		optional(part, "event", notification.event() == null ? null : new StringType(notification.event()));
		optional(part, "focus", notification.focus() == null ? null : new Reference(notification.focus()));
		part.addPart().setName("status").setValue(new CodeType(notification.status().code()));
		part.addPart().setName("attempts").setValue(new IntegerType(notification.attempts()));
		optional(part, "created", time(notification.created()));
		optional(part, "lastAttempt", time(notification.lastAttempt()));
		if (notification.status() == Status.PENDING) {
			optional(part, "nextAttempt", time(notification.nextAttempt()));
		}
		optional(part, "delivered", time(notification.delivered()));
		optional(part, "lastError", notification.lastError() == null ? null : new StringType(notification.lastError()));
		return part;
	}

	private static void optional(ParametersParameterComponent part, String name, org.hl7.fhir.r4.model.Type value) {
		if (value != null) {
			part.addPart().setName(name).setValue(value);
		}
	}

	private static DateTimeType time(Instant instant) {
		return instant == null ? null : new DateTimeType(Date.from(instant));
	}

}

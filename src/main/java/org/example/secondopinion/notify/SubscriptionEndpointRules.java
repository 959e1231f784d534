package org.example.secondopinion.notify;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * Refuses, with 422, a Subscription with any channel but rest-hook (websocket, email, sms, message), one
 * asking for the results of another search as its payload (HAPI's payload-search-criteria extension), or
 * whose rest-hook endpoint the {@link EndpointPolicy} does not allow, on create and on update, also inside
 * a transaction (which then stores nothing).
 */
@Interceptor
public class SubscriptionEndpointRules {

	/** HAPI's extension that makes a notification carry the results of a search instead of the changed resource. */
	static final String PAYLOAD_SEARCH_CRITERIA = "http://hapifhir.io/fhir/StructureDefinition/subscription-payload-search-criteria";

	private final EndpointPolicy policy;

	public SubscriptionEndpointRules(EndpointPolicy policy) {
		this.policy = policy;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void checkCreated(IBaseResource resource) {
		check(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void checkUpdated(IBaseResource previous, IBaseResource resource) {
		check(resource);
	}

	private void check(IBaseResource resource) {
		if (!(resource instanceof Subscription subscription)) {
			return;
		}
		if (subscription.getExtension().stream().anyMatch(extension -> PAYLOAD_SEARCH_CRITERIA.equals(extension.getUrl()))) {
			// HAPI would run that search as the server and send its results: anything of any case
			throw refusal("Subscription.extension", "The extension " + PAYLOAD_SEARCH_CRITERIA + " is refused: a "
					+ "notification carries the changed resource (or its id), never the results of another search",
					"payload search criteria are refused");
		}
		if (subscription.getChannel().getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
			String type = subscription.getChannel().hasType() ? subscription.getChannel().getType().toCode() : "none";
			throw refusal("Subscription.channel.type", "Subscription.channel.type '" + type + "' is refused: this server "
					+ "delivers notifications over rest-hook only (https, to hosts its operator allowed)", "only rest-hook channels");
		}
		String endpoint = subscription.getChannel().getEndpoint();
		policy.refusal(endpoint).ifPresent(reason -> {
			throw refusal("Subscription.channel.endpoint", "Subscription.channel.endpoint '" + endpoint + "' is refused: "
					+ reason + ". Notifications go only to https endpoints on hosts the server's operator allowed"
					+ " (second-opinion.notifications.allowed-hosts).", reason);
		});
	}

	private static UnprocessableEntityException refusal(String element, String diagnostics, String reason) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(IssueSeverity.ERROR)
				.setCode(IssueType.BUSINESSRULE)
				.setDiagnostics(diagnostics)
				.addExpression(element);
		return new UnprocessableEntityException(reason, outcome);
	}
}

package org.example.secondopinion.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import org.hl7.fhir.r4.model.IdType;

/**
 * Keeps the audit trail out of HAPI's subscription pipeline. Every request writes AuditEvents (about
 * one per resource a case bundle stores), and HAPI would otherwise store a change message for each,
 * read the event back and match it against every subscription, in the audit writer's transaction and
 * again on the matching thread. Nobody subscribes to the audit trail; coordinators search it.
 */
@Interceptor
public class AuditEventsNotSubscribable {

	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
	public boolean submitToSubscriptions(ResourceModifiedMessage message) {
		String payloadId = message.getPayloadId();
		return payloadId == null || !"AuditEvent".equals(new IdType(payloadId).getResourceType());
	}
}

package org.example.secondopinion.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import java.util.Optional;
import org.example.secondopinion.security.Caller;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * Who did it, for HAPI's audit events (IHE Basic Audit Log Patterns): the client by its client id, and
 * the person by the token's {@code fhirUser} (an identifier, {@code system|value}) or, for a system
 * client, the client again. From where: the remote address.
 */
public class TokenAuditContext implements IBalpAuditContextServices {

	public static final String CLIENT_ID_SYSTEM = "https://second-opinion.example.org/fhir/id/client";
	static final String ANONYMOUS = "anonymous";

	@Override
	public Reference getAgentClientWho(RequestDetails request) {
		return client(Caller.current().map(Caller::clientId).orElse(ANONYMOUS));
	}

	@Override
	public Reference getAgentUserWho(RequestDetails request) {
		return fhirUser().orElseGet(() -> getAgentClientWho(request));
	}

	@Override
	public String getNetworkAddress(RequestDetails request) {
		return request instanceof ServletRequestDetails servlet ? servlet.getServletRequest().getRemoteAddr() : null;
	}

	/** The trail is stored in this server, so it refers to resources relatively (HAPI refuses absolute references to itself). */
	@Override
	public String massageResourceIdForStorage(RequestDetails request, IBaseResource resource, IIdType id) {
		return id.toUnqualified().getValue();
	}

	static Reference client(String clientId) {
		return new Reference().setDisplay(clientId).setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(clientId));
	}

	private static Optional<Reference> fhirUser() {
		return Caller.current().flatMap(Caller::fhirUserIdentifier).map(identifier -> new Reference()
				.setDisplay(identifier.getValue())
				.setIdentifier(new Identifier().setSystem(identifier.getSystem()).setValue(identifier.getValue())));
	}
}

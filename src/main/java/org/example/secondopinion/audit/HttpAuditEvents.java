package org.example.secondopinion.audit;

import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Date;
import org.example.secondopinion.security.Caller;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;

/**
 * AuditEvents of what {@link AuditCapture} does not see: requests that were refused or failed (BALP
 * records what was done, always as a success) and the streamed Binary uploads and downloads, which pass
 * beside HAPI's REST layer. Same shape as BALP's: type {@code rest}, the REST interaction as subtype, the
 * client and its network address as agent, the server as source. The outcome is {@code 0} for a
 * success, {@code 4} (minor failure) for a refusal and {@code 8} (serious failure) for a server error;
 * the request line is the entity's name.
 */
public final class HttpAuditEvents {

	public static final String SOURCE = "second-opinion-server";

	private HttpAuditEvents() {}

	/** The client is the caller of the current request, or {@code anonymous} without a valid token. */
	public static AuditEvent event(HttpServletRequest request, int status, String message) {
		String clientId = Caller.current().map(Caller::clientId).orElse(TokenAuditContext.ANONYMOUS);
		AuditEvent event = new AuditEvent();
		event.getMeta().addProfile("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Rest");
		event.setType(new Coding(BalpConstants.CS_AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
		event.addSubtype(new Coding(BalpConstants.CS_RESTFUL_INTERACTION, interaction(request), null));
		event.setAction(action(request.getMethod()));
		event.setRecorded(new Date());
		event.setOutcome(status >= 500 ? AuditEventOutcome._8 : status >= 400 ? AuditEventOutcome._4 : AuditEventOutcome._0);
		event.setOutcomeDesc("HTTP " + status + ": " + message);
		event.addAgent()
				.setRequestor(true)
				.setWho(TokenAuditContext.client(clientId))
				.setAltId(clientId)
				.getNetwork()
				.setAddress(request.getRemoteAddr())
				.setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_IP_ADDRESS);
		event.getSource().setObserver(new org.hl7.fhir.r4.model.Reference().setDisplay(SOURCE));
		String query = request.getQueryString();
		event.addEntity()
				.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT,
						BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY))
				.setName(request.getMethod() + " " + request.getRequestURI() + (query == null ? "" : "?" + query));
		return event;
	}

	private static AuditEventAction action(String method) {
		return switch (method) {
			case "POST" -> AuditEventAction.C;
			case "PUT", "PATCH" -> AuditEventAction.U;
			case "DELETE" -> AuditEventAction.D;
			default -> AuditEventAction.R;
		};
	}

	/** The REST interaction, from the method and the shape of the path (/fhir, /fhir/Type, /fhir/Type/id, $op). */
	static String interaction(HttpServletRequest request) {
		String path = request.getRequestURI().replaceFirst("^/fhir/?", "");
		String[] parts = path.isEmpty() ? new String[0] : path.split("/");
		if (path.contains("$")) {
			return "operation";
		}
		return switch (request.getMethod()) {
			case "POST" -> parts.length == 0 ? "transaction" : "create";
			case "PUT" -> "update";
			case "PATCH" -> "patch";
			case "DELETE" -> "delete";
			default -> parts.length == 0 ? "search-system" : parts.length == 1 ? "search-type"
					: path.contains("_history") ? "history-instance" : "read";
		};
	}
}

package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Refusals answered outside HAPI's REST layer (authentication, body size) as a FHIR OperationOutcome. */
public final class OperationOutcomeResponses {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private OperationOutcomeResponses() {}

	public static void write(HttpServletResponse response, int status, IssueType code, String message) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(code).setDiagnostics(message);
		response.setStatus(status);
		response.setContentType("application/fhir+json;charset=UTF-8");
		response.getWriter().write(FHIR.newJsonParser().encodeResourceToString(outcome));
	}
}

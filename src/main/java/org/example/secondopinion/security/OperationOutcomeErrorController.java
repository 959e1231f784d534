package org.example.secondopinion.security;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Errors Spring answers itself (a path its firewall refuses, such as {@code /fhir/Patient/../AuditEvent} or
 * {@code /fhir/Patient;x=1/1}, a failure outside HAPI, a request for {@code /error} itself) as an
 * OperationOutcome, like every other error of the server, instead of Spring Boot's JSON error page.
 */
@Controller
public class OperationOutcomeErrorController implements ErrorController {

	@RequestMapping("/error")
	public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		Object attribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = attribute instanceof Integer code && code >= 400 ? code : 404;
		String message = switch (status) {
			case 400 -> "The request is not valid for this server (its path or parameters were refused)";
			case 401 -> "A valid bearer token is required";
			case 403 -> "Access denied";
			case 404 -> "Nothing is served at this path";
			case 405 -> "The method is not allowed at this path";
			default -> status >= 500 ? "The server could not process the request" : "The request could not be processed";
		};
		IssueType code = status >= 500 ? IssueType.EXCEPTION : status == 401 ? IssueType.LOGIN
				: status == 403 ? IssueType.FORBIDDEN : status == 404 ? IssueType.NOTFOUND : IssueType.INVALID;
		response.resetBuffer();
		OperationOutcomeResponses.write(request, response, status, code, message);
	}
}

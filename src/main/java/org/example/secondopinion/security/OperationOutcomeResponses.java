package org.example.secondopinion.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Refusals answered outside HAPI's REST layer (authentication, body size, Spring's and Tomcat's errors) as
 * a FHIR OperationOutcome, in the format the client asked for as HAPI would choose it: {@code _format}
 * first, then the {@code Accept} type with the highest quality, JSON by default.
 */
public final class OperationOutcomeResponses {

	/** How every refusal of a malformed request begins, whoever refuses it (Tomcat, Spring's firewall, our filters). */
	public static final String NOT_VALID_HTTP = "The request is not valid HTTP for this server";

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private OperationOutcomeResponses() {}

	public static void write(HttpServletRequest request, HttpServletResponse response, int status, IssueType code,
			String message) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(code).setDiagnostics(message);
		boolean xml = requestedEncoding(request) == EncodingEnum.XML;
		response.setStatus(status);
		response.setContentType((xml ? Constants.CT_FHIR_XML_NEW : Constants.CT_FHIR_JSON_NEW) + ";charset=UTF-8");
		response.getWriter().write((xml ? FHIR.newXmlParser() : FHIR.newJsonParser()).encodeResourceToString(outcome));
	}

	static EncodingEnum requestedEncoding(HttpServletRequest request) {
		EncodingEnum format = formatParameter(request.getQueryString());
		return format != null ? format : acceptedEncoding(request);
	}

	/**
	 * {@code _format} read from the query string itself: on an error the body may be unread or refused, and
	 * asking the servlet for its parameters could read a form body.
	 */
	private static EncodingEnum formatParameter(String query) {
		if (query == null) {
			return null;
		}
		for (String parameter : query.split("&")) {
			if (parameter.startsWith(Constants.PARAM_FORMAT + "=")) {
				try {
					EncodingEnum encoding = EncodingEnum.forContentType(
							URLDecoder.decode(parameter.substring(Constants.PARAM_FORMAT.length() + 1), StandardCharsets.UTF_8));
					if (encoding == EncodingEnum.JSON || encoding == EncodingEnum.XML) {
						return encoding;
					}
				} catch (IllegalArgumentException malformed) {
					// not a format: the next one, or the Accept header, decides
				}
			}
		}
		return null;
	}

	private static EncodingEnum acceptedEncoding(HttpServletRequest request) {
		EncodingEnum best = EncodingEnum.JSON;
		float bestQuality = -1;
		for (String header : Collections.list(request.getHeaders(Constants.HEADER_ACCEPT))) {
			for (String range : header.split(",")) {
				String[] parts = range.trim().split(";");
				EncodingEnum encoding = EncodingEnum.forContentType(parts[0].trim());
				float quality = quality(parts);
				if ((encoding == EncodingEnum.JSON || encoding == EncodingEnum.XML) && quality > bestQuality) {
					best = encoding;
					bestQuality = quality;
				}
			}
		}
		return best;
	}

	private static float quality(String[] mediaRange) {
		for (int i = 1; i < mediaRange.length; i++) {
			String parameter = mediaRange[i].trim();
			if (parameter.startsWith("q=")) {
				try {
					return Float.parseFloat(parameter.substring(2));
				} catch (NumberFormatException malformed) {
					return 0;
				}
			}
		}
		return 1;
	}
}

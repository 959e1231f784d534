package org.example.secondopinion.errors;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAPI's answers to a client's mistake, turned into what FHIR specifies and what an integration engineer
 * can act on. HAPI calls one such translation per error (the first hook that answers wins), so every
 * translation of an outgoing error is here.
 * <ul>
 *   <li>An update or patch whose {@code If-Match} (or a transaction entry's {@code ifMatch}) names an
 *       older version answers {@code 412 Precondition Failed}, as FHIR's RESTful API says; HAPI throws
 *       409, which stays the answer to a real conflict (concurrent writes, a delete refused by references).
 *   <li>A conditional reference ({@code ServiceRequest?identifier=...}) that matches nothing keeps HAPI's
 *       answer and code, with what to do about it.
 * </ul>
 */
@Interceptor
public class ActionableErrors {

	/** HAPI's codes for "this is not the current version": an update (989) and a patch (974). */
	private static final Pattern STALE_VERSION = Pattern.compile("HAPI-0?(989|974):");
	private static final Pattern NO_MATCH_FOR_REFERENCE = Pattern.compile("HAPI-1091: Invalid match URL \"(([A-Za-z]+)\\?[^\"]*)\"");

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException translate(Throwable thrown) {
		if (thrown instanceof ResourceVersionConflictException conflict && STALE_VERSION.matcher(text(conflict)).find()) {
			return new PreconditionFailedException(conflict.getMessage());
		}
		if (thrown instanceof ResourceNotFoundException notFound) {
			Matcher noMatch = NO_MATCH_FOR_REFERENCE.matcher(text(notFound));
			if (noMatch.find()) {
				return new ResourceNotFoundException(notFound.getMessage() + ". " + unmatchedReferenceHint(noMatch.group(2), noMatch.group(1)));
			}
		}
		return null;
	}

	/** What the writer of a reference that matches nothing can do: the target is sent later, or not at all. */
	static String unmatchedReferenceHint(String type, String matchUrl) {
		String hint = "No " + type + " matches " + matchUrl + ": send the " + type + " it refers to first, or in the same "
				+ "transaction (an entry with that identifier)";
		return "ServiceRequest".equals(type)
				? hint + ", or send the records without this reference and list them in the request's ServiceRequest.supportingInfo"
				: hint;
	}

	private static String text(BaseServerResponseException error) {
		return error.getMessage() == null ? "" : error.getMessage();
	}
}

package org.example.secondopinion.attachments;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.example.secondopinion.audit.AuditTrail;
import org.example.secondopinion.audit.HttpAuditEvents;
import org.example.secondopinion.security.CaseAccess;
import org.example.secondopinion.security.Caller;
import org.example.secondopinion.security.OperationOutcomeResponses;
import org.example.secondopinion.security.SmartScope.Permission;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The streaming path for large attachments, beside HAPI's REST layer (which reads a whole request body
 * into memory):
 *
 * <pre>
 * POST [base]/Binary          body: the file itself, Content-Type: its own type (not a FHIR type)
 *                             optional header Digest: SHA=[base64 SHA-1], checked
 *   → 201, Location: Binary/[id], body: Parameters with "binary" (Reference) and "attachment"
 *     (contentType, url, size, hash), ready to copy into DocumentReference.content.attachment
 * GET  [base]/Binary/[id]     Accept: anything but a FHIR type → the file, streamed
 * </pre>
 *
 * A body sent as FHIR (a Binary resource in JSON or XML) and a read asking for FHIR go to HAPI as usual.
 * A hash that does not match answers 422, a body over the size limit 413, an interrupted upload 400;
 * in each case nothing is stored.
 */
public class StreamingBinaryFilter extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(StreamingBinaryFilter.class);
	private static final Pattern BINARY_ID = Pattern.compile("/Binary/([A-Za-z0-9\\-.]{1,64})");
	private static final Pattern SHA1_DIGEST = Pattern.compile("(?i)(?:^|,)\\s*sha=([A-Za-z0-9+/=]+)");

	private final LargeBinaryStore store;
	private final FhirContext fhirContext;
	private final String fhirPath;
	private final AuditTrail audit;
	private final CaseAccess caseAccess;

	public StreamingBinaryFilter(LargeBinaryStore store, FhirContext fhirContext, String fhirPath, AuditTrail audit,
			CaseAccess caseAccess) {
		this.store = store;
		this.fhirContext = fhirContext;
		this.fhirPath = fhirPath;
		this.audit = audit;
		this.caseAccess = caseAccess;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (isRawUpload(request, fhirPath)) {
			if (permitted(Permission.CREATE, request, response)) {
				upload(request, response);
				audited(request, response, "streamed upload");
			}
			return;
		}
		Matcher read = BINARY_ID.matcher(path.substring(Math.min(path.length(), fhirPath.length())));
		if ("GET".equals(request.getMethod()) && path.startsWith(fhirPath) && read.matches() && !wantsFhir(request)) {
			Optional<LargeBinaryStore.StoredFile> file = store.file(read.group(1));
			// a file outside the caller's reach goes on to HAPI, which answers as for a missing one
			if (file.isPresent() && reachable(file.get().binary())) {
				if (permitted(Permission.READ, request, response)) {
					download(file.get(), response);
					audited(request, response, "streamed download");
				}
				return;
			}
		}
		chain.doFilter(request, response);
	}

	/**
	 * This path bypasses HAPI's REST layer and so its authorization interceptor: the caller's SMART
	 * scopes are checked here. A streamed file's patient is not known here, so {@code patient/} scopes
	 * do not count. Without a caller, authentication is switched off for development (Spring Security
	 * lets no unauthenticated request reach this filter otherwise).
	 */
	private boolean permitted(Permission permission, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		Optional<Caller> caller = Caller.current();
		if (caller.isPresent() && !caller.get().mayOnAnyPatient("Binary", permission)) {
			return refused(request, response, "the token's scopes do not allow this on Binary");
		}
		return true;
	}

	/** Whether the access policy lets the caller read the stored file ({@link CaseAccess}). */
	private boolean reachable(Binary stored) {
		return Caller.current().map(caller -> caseAccess.mayRead(caseAccess.actor(caller), stored)).orElse(true);
	}

	private boolean refused(HttpServletRequest request, HttpServletResponse response, String reason) throws IOException {
		audit.record(HttpAuditEvents.event(request, 403, reason));
		OperationOutcomeResponses.write(request, response, 403, OperationOutcome.IssueType.FORBIDDEN, "Access denied: " + reason);
		return false;
	}

	/** HAPI's audit interceptor does not see this path: the upload or download is audited here. */
	private void audited(HttpServletRequest request, HttpServletResponse response, String what) {
		audit.record(HttpAuditEvents.event(request, response.getStatus(), what));
	}

	private void upload(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String contentType = request.getContentType() == null ? "application/octet-stream" : request.getContentType();
		try {
			// the uploading EHR's organisation owns the file; a file uploaded by anyone else carries no
			// organisation and reaches only callers not confined to some cases (coordinators)
			Set<String> owners = Caller.current().map(Caller::organization).map(Set::of).orElse(Set.of());
			StoredUpload stored = store.store(contentType, request.getInputStream(), expectedSha1(request), owners);
			Parameters answer = new Parameters();
			answer.addParameter().setName("binary").setValue(new Reference("Binary/" + stored.binaryId()));
			Attachment attachment = new Attachment().setContentType(stored.contentType()).setUrl("Binary/" + stored.binaryId());
			if (stored.size() <= Integer.MAX_VALUE) {
				attachment.setSize((int) stored.size());
			}
			attachment.setHashElement(new org.hl7.fhir.r4.model.Base64BinaryType(stored.sha1Base64()));
			answer.addParameter().setName("attachment").setValue(attachment);
			response.setHeader("Location", "Binary/" + stored.binaryId() + "/_history/1");
			write(response, 201, answer);
		} catch (LargeBinaryStore.HashMismatchException e) {
			write(response, 422, outcome(OperationOutcome.IssueType.VALUE, e.getMessage()));
		} catch (PayloadTooLargeException e) {
			write(response, 413, outcome(OperationOutcome.IssueType.TOOLONG,
					"The upload is larger than the server accepts (second-opinion.attachments.max-size); nothing was stored"));
		} catch (IOException e) {
			log.info("Upload of a {} interrupted: {}", contentType, e.toString());
			if (!response.isCommitted()) {
				write(response, 400, outcome(OperationOutcome.IssueType.INCOMPLETE,
						"The upload was interrupted before its end; nothing was stored"));
			}
		}
	}

	private static void download(LargeBinaryStore.StoredFile file, HttpServletResponse response) throws IOException {
		response.setStatus(200);
		response.setContentType(file.contentType());
		response.setContentLengthLong(file.size());
		file.writer().writeTo(response.getOutputStream());
	}

	/** RFC 3230 {@code Digest: SHA=<base64>} (SHA-1, the hash R4's Attachment.hash holds). */
	private static Optional<String> expectedSha1(HttpServletRequest request) {
		String digest = request.getHeader("Digest");
		if (digest == null) {
			return Optional.empty();
		}
		Matcher sha = SHA1_DIGEST.matcher(digest);
		return sha.find() ? Optional.of(sha.group(1)) : Optional.empty();
	}

	/** A file posted as it is to [base]/Binary, not a FHIR resource: streamed by this filter. */
	public static boolean isRawUpload(HttpServletRequest request, String fhirPath) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return "POST".equals(request.getMethod()) && path.equals(fhirPath + "/Binary") && !isFhir(request.getContentType());
	}

	private static boolean isFhir(String contentType) {
		if (contentType == null) {
			return false;
		}
		String type = contentType.toLowerCase(Locale.ROOT);
		return type.contains("fhir") || type.startsWith("application/json") || type.startsWith("application/xml")
				|| type.startsWith("text/xml") || type.startsWith("application/x-www-form-urlencoded");
	}

	private static boolean wantsFhir(HttpServletRequest request) {
		String accept = request.getHeader("Accept");
		String format = request.getParameter("_format");
		return format != null || (accept != null && isFhir(accept));
	}

	private static OperationOutcome outcome(OperationOutcome.IssueType type, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
		return outcome;
	}

	private void write(HttpServletResponse response, int status, Resource body) throws IOException {
		response.setStatus(status);
		response.setContentType("application/fhir+json;charset=utf-8");
		response.getOutputStream().write(fhirContext.newJsonParser().setPrettyPrint(true)
				.encodeResourceToString(body).getBytes(StandardCharsets.UTF_8));
	}
}

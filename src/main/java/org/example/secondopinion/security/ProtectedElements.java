package org.example.secondopinion.security;

import org.example.secondopinion.config.InterceptorOrder;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.HapiExtensions;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;
import ca.uhn.fhir.util.FhirTerser;
import java.util.stream.Stream;

/**
 * What a client may not set, whatever its scopes:
 * <ul>
 *   <li>security labels ({@code meta.security}): they are the server's to set, and access decisions rest on them
 *       ({@link OrganisationLabels}, which are dropped from what a client sends and set again);
 *   <li>HAPI's internal binary-storage extension, which would point a resource at another resource's stored file;
 *   <li>a different patient on an update: a record filed under one patient is never moved to another.
 * </ul>
 * Each is refused with 422 and nothing is stored (inside a transaction, the whole transaction).
 */
@Interceptor(order = InterceptorOrder.PROTECTED_ELEMENTS)
public class ProtectedElements {

	private final FhirContext fhirContext;

	public ProtectedElements(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	private static final Set<RestOperationTypeEnum> CHANGES = Set.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.DELETE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);

	/**
	 * A change to {@code /AuditEvent} itself is refused as forbidden, not as the unknown interaction HAPI
	 * would call it (400: the trail's provider has reads and searches only), and before HAPI parses its body.
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
	public boolean refuseChangingTheAuditTrail(jakarta.servlet.http.HttpServletRequest request) {
		String path = request.getPathInfo() == null ? "" : request.getPathInfo();
		boolean trail = path.equals("/AuditEvent") || path.startsWith("/AuditEvent/") || path.startsWith("/AuditEvent?");
		boolean search = "POST".equals(request.getMethod()) && path.equals("/AuditEvent/_search");
		if (trail && !search && !Set.of("GET", "HEAD", "OPTIONS").contains(request.getMethod())) {
			throw new ForbiddenOperationException("The audit trail cannot be changed through the API");
		}
		return true;
	}

	/**
	 * The audit trail is append-only: AuditEvents are written by the server alone, and nobody changes or
	 * deletes them through the API, whatever their scopes. In a transaction or batch: HAPI would store an
	 * AuditEvent given to it like any resource, beside the trail (which is not in its storage).
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuseChangingTheAuditTrailInABundle(RequestDetails request, RestOperationTypeEnum operation) {
		boolean changesAuditEvent = "AuditEvent".equals(request.getResourceName()) && CHANGES.contains(operation);
		if (!changesAuditEvent && request.getResource() instanceof Bundle bundle) {
			changesAuditEvent = bundle.getEntry().stream().anyMatch(entry ->
					(entry.hasResource() && "AuditEvent".equals(entry.getResource().fhirType()))
							|| (entry.getRequest().hasUrl() && namesTheAuditTrail(entry.getRequest().getUrl())
									&& entry.getRequest().getMethod() != Bundle.HTTPVerb.GET));
		}
		if (changesAuditEvent) {
			throw new ForbiddenOperationException("The audit trail cannot be changed through the API");
		}
	}

	/** {@code AuditEvent/1}, {@code /AuditEvent}, {@code https://host/fhir/AuditEvent?...}: any path naming the type. */
	private static boolean namesTheAuditTrail(String url) {
		return java.util.Arrays.asList(url.split("\\?", 2)[0].split("/")).contains("AuditEvent");
	}

	/**
	 * XML with a document type declaration is refused whatever the path (a resource, a Bundle posted to the
	 * base URL, a Parameters body): FHIR XML has no DTD, and a DOCTYPE is how entity expansion attacks begin.
	 * Checked on the raw body, before any parser sees it.
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void refuseDoctypes(RequestDetails request) {
		String contentType = request.getHeader("Content-Type");
		if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).contains("xml")) {
			return;
		}
		byte[] body = request.loadRequestContents();
		if (body != null && DOCTYPE.matcher(new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)).find()) {
			throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
					"XML with a DOCTYPE declaration is refused: FHIR XML has none");
		}
	}

	private static final java.util.regex.Pattern DOCTYPE = java.util.regex.Pattern.compile("<!DOCTYPE", java.util.regex.Pattern.CASE_INSENSITIVE);

	/** Checked on the request as received, before HAPI's binary storage adds its own extensions. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuseClientSetElements(RequestDetails request) {
		IBaseResource received = request.getResource();
		if (received instanceof Bundle bundle && bundle.getType() != null
				&& (bundle.getType() == Bundle.BundleType.TRANSACTION || bundle.getType() == Bundle.BundleType.BATCH)) {
			bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource)
					.forEach(entry -> refuseClientSetElements(entry.getResource()));
		} else if (received != null) {
			refuseClientSetElements(received);
		}
	}

	private void refuseClientSetElements(IBaseResource resource) {
		if (resource instanceof Parameters parameters) {
			// $meta-add and $meta-delete carry a Meta: its security labels are the server's too
			parameters.getParameter().stream().filter(parameter -> parameter.getValue() instanceof Meta)
					.forEach(parameter -> {
						if (!((Meta) parameter.getValue()).getSecurity().isEmpty()) {
							throw refusal("meta.security: security labels are set by the server, not by clients");
						}
					});
		}
		// A client that read a resource and sends it back unchanged sends our organisation label too: it is
		// dropped, and the server sets it again. Any other label is refused.
		resource.getMeta().getSecurity().removeIf(label -> OrganisationLabels.SYSTEM.equals(label.getSystem()));
		if (!resource.getMeta().getSecurity().isEmpty()) {
			throw refusal(resource.fhirType() + ".meta.security: security labels are set by the server, not by clients");
		}
		// extensions of complex elements, and of primitives (where the binary storage puts its own)
		FhirTerser terser = fhirContext.newTerser();
		boolean claimsStoredBinary = Stream.concat(
						terser.getAllPopulatedChildElementsOfType(resource, Extension.class).stream(),
						terser.getAllPopulatedChildElementsOfType(resource, PrimitiveType.class).stream()
								.flatMap(primitive -> primitive.getExtension().stream()))
				.anyMatch(extension -> HapiExtensions.EXT_EXTERNALIZED_BINARY_ID.equals(extension.getUrl()));
		if (claimsStoredBinary) {
			throw refusal(resource.fhirType() + ": the extension " + HapiExtensions.EXT_EXTERNALIZED_BINARY_ID
					+ " is internal to the server's binary storage; send the content or a url instead");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void refuseMovingToAnotherPatient(IBaseResource previous, IBaseResource updated) {
		Set<String> before = patients(previous);
		if (!before.isEmpty() && !before.equals(patients(updated))) {
			throw refusal(updated.fhirType() + ": a resource cannot be moved to another patient (it belongs to "
					+ String.join(", ", before) + ")");
		}
	}

	private Set<String> patients(IBaseResource resource) {
		if ("Patient".equals(resource.fhirType())) {
			return Set.of();
		}
		Set<String> owners = new TreeSet<>();
		for (IIdType owner : fhirContext.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of())) {
			owners.add(owner.toUnqualifiedVersionless().getValue());
		}
		return owners;
	}

	private UnprocessableEntityException refusal(String message) {
		return new UnprocessableEntityException(message);
	}
}

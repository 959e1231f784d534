package org.example.secondopinion.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;

/**
 * The CapabilityStatement says how to get a token, as SMART App Launch defines it for clients that look
 * there rather than at {@code /.well-known/smart-configuration}: {@code rest.security.service}
 * SMART-on-FHIR and the authorize and token endpoints in the {@code oauth-uris} extension.
 */
@Interceptor
public class SmartCapabilities {

	private final SecurityProperties properties;

	public SmartCapabilities(SecurityProperties properties) {
		this.properties = properties;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void addSecurity(IBaseConformance generated, RequestDetails request) {
		if (!(generated instanceof CapabilityStatement capabilities) || request == null) {
			return;
		}
		String origin = request.getFhirServerBase().replaceFirst("/fhir/?$", "");
		String tokenEndpoint = properties.publishedTokenEndpoint(origin);
		String authorizationEndpoint = properties.publishedAuthorizationEndpoint(origin);
		CapabilityStatementRestSecurityComponent security = capabilities.getRestFirstRep().getSecurity();
		security.setCors(!properties.allowedOrigins().isEmpty());
		security.getService().clear();
		security.addService(new CodeableConcept(new Coding(
				"http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")));
		security.setDescription("OAuth2 bearer tokens with SMART scopes; SMART Backend Services for EHR systems, "
				+ "SMART App Launch (standalone, authorization code with PKCE) for people. "
				+ "See /.well-known/smart-configuration.");
		security.getExtension().removeIf(extension -> extension.getUrl().endsWith("oauth-uris"));
		Extension oauthUris = security.addExtension().setUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
		if (!authorizationEndpoint.isBlank()) {
			oauthUris.addExtension("authorize", new UriType(authorizationEndpoint));
		}
		oauthUris.addExtension("token", new UriType(tokenEndpoint));
	}
}

package org.example.secondopinion.config;

import ca.uhn.fhir.rest.server.RestfulServer;

/**
 * A feature that adds interceptors or operation providers to the FHIR endpoint. Each feature
 * package contributes one bean of this type, so the endpoint's configuration does not have to
 * know every feature.
 */
@FunctionalInterface
public interface FhirServerExtension {

	void extend(RestfulServer server);
}

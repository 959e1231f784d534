package org.example.secondopinion.config;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR REST endpoint at {@code /fhir}: HAPI's resource providers over the JPA DAOs, the
 * system-level operations (transaction, batch, history) and the CapabilityStatement.
 * Our own interceptors and operation providers register themselves as {@link FhirServerExtension}s.
 */
@Configuration
public class RestfulServerConfig {

	public static final String FHIR_PATH = "/fhir";

	@Bean
	public RestfulServer restfulServer(
			IFhirSystemDao<?, ?> systemDao,
			ResourceProviderFactory resourceProviderFactory,
			JpaSystemProvider<?, ?> systemProvider,
			ValueSetOperationProvider valueSetOperationProvider,
			JpaStorageSettings storageSettings,
			ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport,
			DatabaseBackedPagingProvider pagingProvider,
			FhirServerProperties properties,
			List<FhirServerExtension> extensions) {
		RestfulServer server = new RestfulServer(systemDao.getContext());
		server.getFhirContext().setNarrativeGenerator(new NullNarrativeGenerator());
		// the audit trail is not in HAPI's storage: AuditEventProvider (registered by AuditConfig) serves it
		server.registerProviders(resourceProviderFactory.createProviders().stream()
				.filter(provider -> !(provider instanceof IResourceProvider typed && typed.getResourceType() == AuditEvent.class))
				.toList());
		server.registerProvider(systemProvider);
		server.registerProvider(valueSetOperationProvider);

		JpaCapabilityStatementProvider capabilities = new JpaCapabilityStatementProvider(
				server, systemDao, storageSettings, searchParamRegistry, validationSupport);
		capabilities.setImplementationDescription("Second-opinion FHIR server");
		server.setServerConformanceProvider(capabilities);
		server.setServerName("Second-opinion FHIR server");

		pagingProvider.setDefaultPageSize(properties.defaultPageSize());
		pagingProvider.setMaximumPageSize(properties.maxPageSize());
		server.setPagingProvider(pagingProvider);
		server.setDefaultResponseEncoding(EncodingEnum.JSON);
		server.setDefaultPrettyPrint(true);
		server.setServerAddressStrategy(
				properties.serverAddress().isBlank()
						? new IncomingRequestAddressStrategy()
						: new HardcodedServerAddressStrategy(properties.serverAddress()));

		extensions.forEach(extension -> extension.extend(server));
		return server;
	}

	@Bean
	public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
		ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, FHIR_PATH + "/*");
		registration.setLoadOnStartup(1);
		return registration;
	}
}

package org.example.secondopinion.attachments;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.jpa.binstore.FilesystemBinaryStorageSvcImpl;
import java.nio.file.Path;
import org.example.secondopinion.config.FhirServerExtension;
import org.example.secondopinion.security.CaseAccess;
import org.example.secondopinion.config.RestfulServerConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Large attachments outside the database: HAPI's binary storage in a folder, HAPI's interceptor that
 * moves large inline content (base64 in Binary.data or Attachment.data) there, and our streaming path
 * for uploads and downloads of any size.
 */
@Configuration
@EnableConfigurationProperties(AttachmentProperties.class)
public class AttachmentConfig {

	@Bean
	public IBinaryStorageSvc binaryStorageSvc(
			AttachmentProperties properties, @Value("${second-opinion.data-dir}") String dataDir) {
		FilesystemBinaryStorageSvcImpl storage = new FilesystemBinaryStorageSvcImpl(folder(properties, dataDir).toString());
		storage.setMinimumBinarySize((int) properties.externalizeAbove().toBytes());
		storage.setMaximumBinarySize(properties.maxSize().toBytes());
		return storage;
	}

	@Bean
	public LargeBinaryStore largeBinaryStore(IBinaryStorageSvc storage, DaoRegistry daoRegistry,
			AttachmentProperties properties, @Value("${second-opinion.data-dir}") String dataDir) {
		return new LargeBinaryStore(storage, daoRegistry, folder(properties, dataDir));
	}

	private static Path folder(AttachmentProperties properties, String dataDir) {
		return properties.directory() == null || properties.directory().isBlank()
				? Path.of(dataDir, "binaries").toAbsolutePath()
				: Path.of(properties.directory());
	}

	@Bean
	public FilterRegistrationBean<StreamingBinaryFilter> streamingBinaryFilter(LargeBinaryStore store, FhirContext fhirContext,
			org.example.secondopinion.audit.AuditTrail audit, CaseAccess caseAccess) {
		FilterRegistrationBean<StreamingBinaryFilter> registration =
				new FilterRegistrationBean<>(new StreamingBinaryFilter(store, fhirContext, RestfulServerConfig.FHIR_PATH, audit, caseAccess));
		registration.addUrlPatterns(RestfulServerConfig.FHIR_PATH + "/Binary", RestfulServerConfig.FHIR_PATH + "/Binary/*");
		return registration;
	}

	/** Inline content above the limit is stored in the folder, and put back when the resource is read. */
	@Bean
	public FhirServerExtension externalizeLargeInlineContent(BinaryStorageInterceptor<?> binaryStorageInterceptor) {
		return server -> server.registerInterceptor(binaryStorageInterceptor);
	}
}

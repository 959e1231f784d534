package org.example.secondopinion.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import javax.sql.DataSource;
import org.example.secondopinion.config.FhirServerExtension;
import org.example.secondopinion.config.FhirServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.JpaTransactionManager;

/**
 * The audit trail (IHE Basic Audit Log Patterns): {@link AuditCapture} records every read, search,
 * create, update and delete, with the patient(s) concerned; {@link FailedRequestAudit} and the security
 * layer record what was refused or failed. The records are kept in tables of their own, beside HAPI's
 * storage ({@link AuditRecords}), written as {@link AuditTrail} says, served as AuditEvents to
 * coordinators ({@link AuditEventProvider}), and never changed or deleted.
 */
@Configuration
public class AuditConfig {

	@Bean
	public AuditRecords auditRecords(DataSource dataSource, FhirContext fhirContext, JpaTransactionManager transactionManager) {
		// a write's record is stored on the write's own connection: the JPA transaction must be bound to this data source
		if (transactionManager.getDataSource() != dataSource) {
			throw new IllegalStateException("HAPI's transactions do not run on the application's data source; the audit trail cannot join them");
		}
		AuditRecords records = new AuditRecords(dataSource, fhirContext);
		records.createTablesIfMissing();
		return records;
	}

	@Bean
	public AuditTrail auditTrail(AuditRecords records, DataSource dataSource) {
		return new AuditTrail(records, dataSource);
	}

	@Bean
	public FhirServerExtension auditInterceptors(AuditTrail trail, AuditRecords records, FhirServerProperties properties,
			IInterceptorService storageInterceptors) {
		return server -> {
			server.registerInterceptor(new AuditCapture(trail::record, new TokenAuditContext()));
			server.registerInterceptor(new FailedRequestAudit(trail));
			server.registerInterceptor(trail);
			server.registerProvider(new AuditEventProvider(records, new ShownAsStored(storageInterceptors), properties.defaultPageSize(), properties.maxPageSize()));
		};
	}
}

package org.example.secondopinion.audit;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import jakarta.persistence.EntityManagerFactory;
import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The audit trail (IHE Basic Audit Log Patterns): HAPI's BALP interceptor records every read, search,
 * create, update and delete, with the patient(s) concerned; {@link FailedRequestAudit} and the security
 * layer record what was refused or failed. AuditEvents are stored in the server's database, searchable
 * by coordinators, and cannot be changed or deleted through the API.
 */
@Configuration
public class AuditConfig {

	@Bean
	public AuditTrail auditTrail(DaoRegistry daoRegistry, PlatformTransactionManager transactionManager,
			EntityManagerFactory entityManagerFactory, IInterceptorService storageInterceptors) {
		// registered storage-wide: the audit writer stores outside any REST request
		storageInterceptors.registerInterceptor(new AuditEventsNotSubscribable());
		return new AuditTrail(daoRegistry, transactionManager, SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory));
	}

	@Bean
	public FhirServerExtension auditInterceptors(AuditTrail trail) {
		return server -> {
			server.registerInterceptor(new BalpAuditCaptureInterceptor(trail::record, new TokenAuditContext()));
			server.registerInterceptor(new FailedRequestAudit(trail));
		};
	}
}

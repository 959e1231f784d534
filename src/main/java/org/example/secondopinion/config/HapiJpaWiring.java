package org.example.secondopinion.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * Assembles HAPI FHIR's JPA storage (R4) on the Spring Boot data source. HAPI brings its own
 * configuration classes; this class supplies what they expect from the application: storage
 * settings, the entity manager factory and the transaction manager.
 */
@Configuration
@EnableTransactionManagement
@Import({
	JpaR4Config.class,
	HapiJpaConfig.class,
	JpaBatch2Config.class,
	Batch2JobsConfig.class,
	ThreadPoolFactoryConfig.class,
	// HAPI's batch jobs (reindexing, ...) exchange work over its in-memory channels
	SubscriptionChannelConfig.class
})
public class HapiJpaWiring {

	@Bean
	public JpaStorageSettings jpaStorageSettings() {
		JpaStorageSettings settings = new JpaStorageSettings();
		// Conditional references (Patient?identifier=...) in transactions resolve to stored resources;
		// a reference to something that does not exist is an error, never a silent placeholder.
		settings.setAutoCreatePlaceholderReferenceTargets(false);
		settings.setEnforceReferentialIntegrityOnWrite(true);
		settings.setEnforceReferentialIntegrityOnDelete(true);
		settings.setAllowExternalReferences(false);
		// An EHR that retries a request must not see a cached, stale search result.
		settings.setReuseCachedSearchResultsForMillis(null);
		// Our ValueSets are small enumerations, expanded in memory when validating. HAPI's background
		// pre-expansion needs Hibernate Search (a Lucene index), which this server does not run.
		settings.setPreExpandValueSets(false);
		settings.setEnableTaskPreExpandValueSets(false);
		// Tags and profiles are kept inside each resource version, not as shared TagDefinition rows:
		// with the shared rows, HAPI 8.8 answers 500 ("Illegal attempt to associate a collection with two
		// open sessions") when concurrent transactions store resources claiming the same profile.
		settings.setTagStorageMode(JpaStorageSettings.TagStorageModeEnum.INLINE);
		// No meta.source row per version (HFJ_RES_VER_PROV): nothing of this server reads or searches _source.
		settings.setStoreMetaSourceInformation(JpaStorageSettings.StoreMetaSourceInformationEnum.NONE);
		// A resource version's JSON below this many characters is stored in the version row itself rather than
		// as a large object: almost every resource here is that small (files go to the binary store).
		settings.setInlineResourceTextBelowSize(4000);
		return settings;
	}

	@Bean
	public PartitionSettings partitionSettings() {
		return new PartitionSettings();
	}

	@Primary
	@Bean
	public LocalContainerEntityManagerFactoryBean entityManagerFactory(
			DataSource dataSource,
			ConfigurableListableBeanFactory beanFactory,
			FhirContext fhirContext,
			JpaStorageSettings storageSettings,
			Environment environment) {
		LocalContainerEntityManagerFactoryBean factory =
				HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
		factory.setPersistenceUnitName("HAPI_PU");
		factory.setDataSource(dataSource);
		factory.setJpaProperties(hibernateProperties(environment));
		return factory;
	}

	@Primary
	@Bean
	public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
		return new JpaTransactionManager(entityManagerFactory);
	}

	/** Needs the entity manager factory: Hibernate has created HAPI's tables by then. */
	@Bean
	public H2SearchIndexes h2SearchIndexes(EntityManagerFactory entityManagerFactory, DataSource dataSource) {
		return H2SearchIndexes.createIfMissing(dataSource);
	}

	/** Hibernate settings come from {@code spring.jpa.properties.*}, where each database profile sets its dialect. */
	private static Properties hibernateProperties(Environment environment) {
		Map<String, String> configured = Binder.get(environment)
				.bind("spring.jpa.properties", Bindable.mapOf(String.class, String.class))
				.orElse(Map.of());
		Properties properties = new Properties();
		properties.putAll(configured);
		return properties;
	}
}

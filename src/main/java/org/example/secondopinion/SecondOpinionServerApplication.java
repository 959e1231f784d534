package org.example.secondopinion;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The second-opinion FHIR server: HAPI FHIR's JPA server (R4) inside Spring Boot.
 * The FHIR endpoint is served at {@code /fhir}; see README.md.
 */
// HAPI brings Flyway, Elasticsearch, Thymeleaf and Quartz on the classpath; none of them is ours to start
// (HAPI makes its own Quartz schedulers; Spring Boot's would be a third, idle one with ten threads).
// HAPI's schema is created and updated by Hibernate (see application.yaml).
// Nobody logs in with a user name and password: Spring Boot's generated default user is not wanted.
@SpringBootApplication(exclude = {
	ElasticsearchRestClientAutoConfiguration.class,
	ThymeleafAutoConfiguration.class,
	FlywayAutoConfiguration.class,
	QuartzAutoConfiguration.class,
	UserDetailsServiceAutoConfiguration.class
})
@ConfigurationPropertiesScan
public class SecondOpinionServerApplication {

	public static void main(String[] args) {
		SpringApplication.run(SecondOpinionServerApplication.class, args);
	}
}

package org.example.secondopinion.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the FHIR endpoint, bound from {@code second-opinion.fhir.*} in application.yaml.
 *
 * @param serverAddress the public base URL written into links and Location headers; empty means
 *                      "as the request arrived" (fine behind no proxy)
 * @param defaultPageSize search page size when the client sends no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param offsetPaging each search page is its own query ({@code _offset}); false: HAPI's stored
 *                     searches, a snapshot of the result ids paged with {@code _getpages}
 */
@ConfigurationProperties("second-opinion.fhir")
public record FhirServerProperties(
		@DefaultValue("") String serverAddress,
		@DefaultValue("20") int defaultPageSize,
		@DefaultValue("200") int maxPageSize,
		@DefaultValue("true") boolean offsetPaging) {}

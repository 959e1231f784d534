package org.example.secondopinion.idempotency;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of conditional creates, bound from {@code second-opinion.conditional-create.*}.
 *
 * @param maxRetries how often a conditional create that lost a race to an identical one is retried, so
 *                   that it finds the winner's resource ({@link RetryConcurrentConditionalCreates})
 */
@ConfigurationProperties("second-opinion.conditional-create")
public record ConditionalCreateProperties(@DefaultValue("5") int maxRetries) {}

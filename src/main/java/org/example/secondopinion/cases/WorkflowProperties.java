package org.example.secondopinion.cases;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the second-opinion workflow, bound from {@code second-opinion.workflow.*}.
 *
 * @param autoAssign assign the best-ranked expert as soon as a case has all its records
 * @param turnaround time to a due date per priority (routine, urgent, asap, stat); priorities not
 *                   named keep their defaults (10 days, 3 days, 1 day, 4 hours)
 * @param answerTime time the referrer is given to answer an expert's question
 */
@ConfigurationProperties("second-opinion.workflow")
public record WorkflowProperties(
		@DefaultValue("true") boolean autoAssign,
		@DefaultValue Map<String, Duration> turnaround,
		@DefaultValue("P3D") Duration answerTime) {}

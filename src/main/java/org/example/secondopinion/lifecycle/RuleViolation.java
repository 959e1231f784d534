package org.example.secondopinion.lifecycle;

/**
 * One business rule a write breaks.
 *
 * @param rule       a stable identifier of the rule (e.g. {@code one-final-opinion}), for the
 *                   OperationOutcome and for the integration engineer to look up
 * @param message    what is wrong, in a sentence naming the case's state where it matters
 * @param httpStatus the status the server answers: 422 when the payload itself is wrong (the client
 *                   can fix it), 409 when the payload is fine but the case's state forbids it
 */
public record RuleViolation(String rule, String message, int httpStatus) {
}

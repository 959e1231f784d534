package org.example.secondopinion.access;

/**
 * The policy's answer: allowed or not, the rule that decided, and how a refusal is answered.
 *
 * @param rule    the id of the rule that decided (docs/security.md), e.g. {@code reach-own-organisation}
 * @param outcome how the answer is given
 * @param message for a refusal, one sentence an integration engineer can act on; it never says
 *                anything about a resource the caller may not reach
 */
public record Decision(Outcome outcome, String rule, String message) {

	public enum Outcome {
		ALLOWED(200),
		/** Outside the caller's reach: answered exactly as if it did not exist. */
		NOT_FOUND(404),
		/** Within reach (or not about a resource), but not the caller's to do. */
		FORBIDDEN(403),
		/** The content is not acceptable whoever sends it. */
		INVALID(422);

		private final int status;

		Outcome(int status) {
			this.status = status;
		}

		public int status() {
			return status;
		}
	}

	public static Decision allow(String rule) {
		return new Decision(Outcome.ALLOWED, rule, "");
	}

	public static Decision notFound(String rule) {
		return new Decision(Outcome.NOT_FOUND, rule, "");
	}

	public static Decision forbid(String rule, String message) {
		return new Decision(Outcome.FORBIDDEN, rule, message);
	}

	public static Decision invalid(String rule, String message) {
		return new Decision(Outcome.INVALID, rule, message);
	}

	public boolean allowed() {
		return outcome == Outcome.ALLOWED;
	}

	/** The refusal's text as clients see it: the rule id first, so it can be looked up. */
	public String describe() {
		return "[" + rule + "] " + message;
	}
}

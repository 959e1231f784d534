package org.example.secondopinion.lifecycle;

/**
 * A change the case's current state does not allow. The message names the current state and the
 * requested change in words a referring physician or integration engineer understands, so an
 * adapter can put it into an OperationOutcome as it is.
 */
public class ForbiddenTransitionException extends RuntimeException {

	private final CaseState current;
	private final CaseEvent event;

	public ForbiddenTransitionException(CaseState current, CaseEvent event, String message) {
		super(message);
		this.current = current;
		this.event = event;
	}

	public CaseState current() {
		return current;
	}

	public CaseEvent event() {
		return event;
	}
}

package org.example.secondopinion.config;

/**
 * The order of our interceptors where it matters, in one place (lower runs first on the same pointcut;
 * HAPI orders the server's and the storage's interceptors together). HAPI's authorization interceptor runs
 * at {@code AuthorizationConstants.ORDER_AUTH_INTERCEPTOR} (200), its search narrowing at 0.
 */
public final class InterceptorOrder {

	/** Refuses what no client may set (security labels, HAPI's binary-storage extension) before anything reads it. */
	public static final int PROTECTED_ELEMENTS = -300;
	/** Answers an instance-level request on an unreachable resource as for a missing one, before HAPI acts on it. */
	public static final int INSTANCE_GUARD = -200;
	/** Checks and narrows every search, including a conditional write's match and a batch's searches. */
	public static final int SEARCH_GUARD = -100;
	/** Leaves out unreachable resources before HAPI's authorization checks what is returned. */
	public static final int READ_GUARD = -50;
	/**
	 * Judges a write's contents (its references resolved, just before commit) before the case workflow
	 * (order 0) applies its rules: the workflow's answers name other resources of the case (its Task, its
	 * expert), which a caller must not hear about a case outside its reach.
	 */
	public static final int WRITE_GUARD_CONTENTS = -150;
	/**
	 * Puts back what the server owns on a case's Task when an update leaves it out or echoes an old copy, before
	 * validation and the access checks see the update.
	 */
	public static final int SERVER_OWNED_TASK_FIELDS = -20;
	/** Validation on write, before storage. */
	public static final int VALIDATION = 0;
	/** The case workflow's rules and its own writes, just before commit. */
	public static final int CASE_WORKFLOW = 0;
	/** Judges and labels writes before storage, after validation, so the profiles see a resource as the client sent it. */
	public static final int WRITE_GUARD = 100;

	private InterceptorOrder() {}
}

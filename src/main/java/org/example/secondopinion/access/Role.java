package org.example.secondopinion.access;

/** Who acts, as far as the access policy is concerned. */
public enum Role {
	/** A referring hospital's EHR system: confined to its organisation's cases. */
	EHR,
	/** A reviewing expert: confined to the cases assigned to them. */
	EXPERT,
	/** The centre's coordinator: sees every case, assigns and rejects them, writes no opinions. */
	COORDINATOR,
	/** A patient, through a patient app: their own compartment. */
	PATIENT,
	/** The server itself (the case workflow, matching, the audit trail): never named by a token. */
	SERVER;

	/** Whether the role sees only some cases, and so must never learn whether others exist. */
	public boolean isConfined() {
		return this == EHR || this == EXPERT;
	}
}

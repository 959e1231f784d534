package org.example.secondopinion.profiles;

/** Canonical URLs of our implementation guide (fhir-profiles/). */
public final class SecondOpinionIg {

	public static final String CANONICAL_BASE = "https://second-opinion.example.org/fhir";
	public static final String STRUCTURE_DEFINITION_BASE = CANONICAL_BASE + "/StructureDefinition/";
	public static final String CODE_SYSTEM_BASE = CANONICAL_BASE + "/CodeSystem/";

	public static final String REQUEST = STRUCTURE_DEFINITION_BASE + "so-request";
	public static final String RECORD = STRUCTURE_DEFINITION_BASE + "so-record";
	public static final String TASK = STRUCTURE_DEFINITION_BASE + "so-task";
	public static final String OPINION = STRUCTURE_DEFINITION_BASE + "so-opinion";
	public static final String COMMUNICATION = STRUCTURE_DEFINITION_BASE + "so-communication";
	public static final String EXPERT = STRUCTURE_DEFINITION_BASE + "so-expert";

	/** Our own codes (second-opinion, expert, bone-soft-tissue-tumour, ...). */
	public static final String CODES = CODE_SYSTEM_BASE + "so-codes";

	/** HL7 v2 table 0336 (referral reason), code S = Second Opinion. */
	public static final String V2_REFERRAL_REASON = "http://terminology.hl7.org/CodeSystem/v2-0336";
	/** HL7 v2 table 0282 (referral type), code SO = Second Opinion. */
	public static final String V2_REFERRAL_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0282";

	private SecondOpinionIg() {}
}

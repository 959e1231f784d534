package org.example.secondopinion.lifecycle;

/**
 * Compares references to an expert the way they are written in practice: {@code PractitionerRole/7},
 * {@code https://server/fhir/PractitionerRole/7} and {@code PractitionerRole/7/_history/3} all name the
 * same expert (the same holds for a {@code Practitioner}). Only {@code Type/id} is kept.
 */
public final class ExpertReference {

	private ExpertReference() {}

	/** {@code Type/id} of the reference; empty for null. */
	public static String normalise(String reference) {
		if (reference == null) {
			return "";
		}
		String value = reference.trim();
		int history = value.indexOf("/_history/");
		if (history >= 0) {
			value = value.substring(0, history);
		}
		int idSlash = value.lastIndexOf('/');
		if (idSlash <= 0) {
			return value;
		}
		int typeSlash = value.lastIndexOf('/', idSlash - 1);
		return value.substring(typeSlash + 1);
	}
}

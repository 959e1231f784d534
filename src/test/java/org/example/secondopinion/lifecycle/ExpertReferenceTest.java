package org.example.secondopinion.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpertReferenceTest {

	@ParameterizedTest(name = "{0} names PractitionerRole/7")
	@ValueSource(strings = {
			"PractitionerRole/7",
			" PractitionerRole/7 ",
			"PractitionerRole/7/_history/3",
			"https://so.example.org/fhir/PractitionerRole/7",
			"https://so.example.org/fhir/PractitionerRole/7/_history/12"})
	void relativeAbsoluteAndVersionedReferencesNameTheSameExpert(String reference) {
		assertThat(ExpertReference.normalise(reference)).isEqualTo("PractitionerRole/7");
	}

	@Test
	void aPractitionerIsNotItsRoleNorAnotherIdEndingTheSame() {
		assertThat(ExpertReference.normalise("https://so.example.org/fhir/Practitioner/7")).isEqualTo("Practitioner/7");
		assertThat(ExpertReference.normalise("Practitioner/17")).isNotEqualTo(ExpertReference.normalise("Practitioner/7"));
	}

	@Test
	void noReferenceIsEmpty() {
		assertThat(ExpertReference.normalise(null)).isEmpty();
	}
}

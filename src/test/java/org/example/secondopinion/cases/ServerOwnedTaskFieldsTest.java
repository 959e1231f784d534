package org.example.secondopinion.cases;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

class ServerOwnedTaskFieldsTest {

	private static final Date DUE = new Date(1_800_000_000_000L);

	private final Task asSent = new Task().setStatus(Task.TaskStatus.REQUESTED).setOwner(new Reference("Organization/centre"));
	private final Task stored = new Task()
			.setStatus(Task.TaskStatus.ACCEPTED)
			.setBusinessStatus(new CodeableConcept(new Coding("so-business-status", "assigned", null)))
			.setOwner(new Reference("PractitionerRole/7"))
			.setStatusReason(new CodeableConcept().setText("Assigned automatically"));

	{
		stored.getRestriction().setPeriod(new Period().setEnd(DUE));
	}

	@Test
	void fieldsLeftOutAreKeptAsStoredWithoutReadingTheHistoryTwice() {
		Task sent = new Task().setDescription("the EHR's own words");
		AtomicInteger historyReads = new AtomicInteger();

		ServerOwnedTaskFields.keepStored(stored, sent, () -> {
			historyReads.incrementAndGet();
			return List.of(stored, asSent);
		});

		assertThat(sent.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
		assertThat(sent.getOwner().getReference()).isEqualTo("PractitionerRole/7");
		assertThat(sent.getRestriction().getPeriod().getEnd()).isEqualTo(DUE);
		assertThat(sent.getStatusReason().getText()).isEqualTo("Assigned automatically");
		assertThat(sent.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("assigned");
		assertThat(sent.getDescription()).isEqualTo("the EHR's own words");
		assertThat(historyReads).hasValue(0);
	}

	@Test
	void valuesOfAnEarlierVersionAreAnOldCopyAndKeptAsStored() {
		Task echoed = asSent.copy().setDescription("echo");

		ServerOwnedTaskFields.keepStored(stored, echoed, () -> List.of(stored, asSent));

		assertThat(echoed.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
		assertThat(echoed.getOwner().getReference()).isEqualTo("PractitionerRole/7");
	}

	@Test
	void aValueTheTaskNeverHadStaysForThePolicyToJudge() {
		Task changed = stored.copy().setStatus(Task.TaskStatus.COMPLETED).setOwner(new Reference("PractitionerRole/8"));

		ServerOwnedTaskFields.keepStored(stored, changed, () -> List.of(stored, asSent));

		assertThat(changed.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
		assertThat(changed.getOwner().getReference()).isEqualTo("PractitionerRole/8");
		var json = FhirContext.forR4Cached().newJsonParser();
		assertThat(ServerOwnedTaskFields.encoded(changed, json)).containsOnlyKeys("status", "businessStatus", "statusReason",
				"owner", "restriction", "priority", "focus", "for", "basedOn", "input", "output");
		assertThat(ServerOwnedTaskFields.encoded(changed, json).get("owner"))
				.isNotEqualTo(ServerOwnedTaskFields.encoded(stored, json).get("owner"));
		assertThat(ServerOwnedTaskFields.encoded(changed, json).get("restriction"))
				.isEqualTo(ServerOwnedTaskFields.encoded(stored, json).get("restriction"));
	}
}

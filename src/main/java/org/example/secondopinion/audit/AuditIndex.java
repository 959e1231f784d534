package org.example.secondopinion.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

/**
 * What an AuditEvent is searchable by: one row per value of each search parameter the trail offers,
 * in {@code so_audit_index}. Values are stored as searches compare them: references as {@code Type/id}
 * (no server base, no version), codes both bare and as {@code system|code}, names in lower case.
 */
final class AuditIndex {

	static final int VALUE_LENGTH = 500;

	/** A search parameter and the value an event has for it. */
	record Entry(String name, String value) {}

	private AuditIndex() {}

	static List<Entry> of(AuditEvent event) {
		List<Entry> entries = new ArrayList<>();
		code(entries, "type", event.getType());
		event.getSubtype().forEach(subtype -> code(entries, "subtype", subtype));
		if (event.hasAction()) {
			add(entries, "action", event.getAction().toCode());
		}
		if (event.hasOutcome()) {
			add(entries, "outcome", event.getOutcome().toCode());
		}
		for (AuditEventAgentComponent agent : event.getAgent()) {
			if (agent.hasAltId()) {
				add(entries, "altid", agent.getAltId());
			}
			reference(entries, "agent", agent.getWho());
			if (agent.getWho().getIdentifier().hasValue()) {
				add(entries, "agent", agent.getWho().getIdentifier().getValue());
			}
			if (isPatient(agent.getWho())) {
				reference(entries, "patient", agent.getWho());
			}
		}
		for (AuditEventEntityComponent entity : event.getEntity()) {
			reference(entries, "entity", entity.getWhat());
			if (isPatient(entity.getWhat())) {
				reference(entries, "patient", entity.getWhat());
			}
			if (entity.hasName()) {
				add(entries, "entity-name", name(entity.getName()));
			}
		}
		Reference observer = event.getSource().getObserver();
		reference(entries, "source", observer);
		if (observer.hasDisplay()) {
			add(entries, "source", observer.getDisplay());
		}
		return entries.stream().distinct().toList();
	}

	/** A reference as it is stored and searched: {@code Type/id}, whatever base or version it was written with. */
	static String reference(String value) {
		IdType id = new IdType(value);
		return id.hasResourceType() && id.hasIdPart() ? id.getResourceType() + "/" + id.getIdPart() : value;
	}

	/** Names are found by their start, whatever the case (a FHIR string search). */
	static String name(String value) {
		return truncate(value.toLowerCase(Locale.ROOT));
	}

	static String truncate(String value) {
		return value.length() <= VALUE_LENGTH ? value : value.substring(0, VALUE_LENGTH);
	}

	private static boolean isPatient(Reference reference) {
		return reference.hasReference() && "Patient".equals(new IdType(reference.getReference()).getResourceType());
	}

	private static void code(List<Entry> entries, String name, Coding coding) {
		if (coding.hasCode()) {
			add(entries, name, coding.getCode());
			if (coding.hasSystem()) {
				add(entries, name, coding.getSystem() + "|" + coding.getCode());
			}
		}
	}

	private static void reference(List<Entry> entries, String name, Reference reference) {
		if (reference.hasReference()) {
			add(entries, name, reference(reference.getReference()));
		}
	}

	private static void add(List<Entry> entries, String name, String value) {
		entries.add(new Entry(name, truncate(value)));
	}
}

package org.example.secondopinion.cases;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.example.secondopinion.access.ResourceKinds;
import org.example.secondopinion.lifecycle.CompletenessRule;
import org.example.secondopinion.validation.CaseResourceRecognizer;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationAdministration;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * Everything about one case in one Bundle, for the reviewer and the referrer: the request, the
 * patient, the original diagnosis, the records (documents, structured records, a patient summary), the
 * patient's other clinical data, the Task, the assigned expert, the discussion and the opinions.
 *
 * <p>Each structured record (a case record or the patient's history) carries the {@value #GROUP}
 * extension on its entry, naming its group, and the entries come in group order: problems,
 * procedures, results, imaging, medications, care. An expert reads the file as a clinician would,
 * not type by type.
 */
@Component
public class CaseBundle {

	public static final String GROUP = "https://second-opinion.example.org/fhir/StructureDefinition/so-record-group";

	/** The groups, in the order their entries come. */
	public static final List<String> GROUPS = List.of("problems", "procedures", "results", "imaging", "medications", "care");

	private final CaseStore store;

	public CaseBundle(CaseStore store) {
		this.store = store;
	}

	public Bundle of(ServiceRequest request) {
		Map<String, IBaseResource> resources = new LinkedHashMap<>();
		add(resources, request);
		store.read(request.getSubject()).ifPresent(patient -> add(resources, patient));
		request.getReasonReference().forEach(reason -> store.read(reason).ifPresent(condition -> add(resources, condition)));
		store.records(request).forEach(record -> add(resources, record));
		if (request.getSubject().getReferenceElement().hasIdPart()) {
			store.clinicalRecordOf(request.getSubject().getReferenceElement(), ResourceKinds.CLINICAL_RECORD).stream()
					.filter(record -> !isOpinion(record))
					.forEach(record -> add(resources, record));
		}
		List.copyOf(resources.values()).forEach(record -> medicationOf(record)
				.flatMap(store::read).ifPresent(medication -> add(resources, medication)));
		store.findTask(request.getIdElement()).ifPresent(task -> {
			add(resources, task);
			if (task.hasOwner()) {
				store.read(task.getOwner()).ifPresent(expert -> add(resources, expert));
			}
		});
		store.communications(request.getIdElement()).forEach(message -> add(resources, message));
		store.opinions(request.getIdElement()).forEach(opinion -> add(resources, opinion));

		Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
		bundle.setTimestamp(new Date());
		resources.forEach((id, resource) -> {
			if (groupOf(resource).isEmpty()) {
				bundle.addEntry().setFullUrl(id).setResource((Resource) resource);
			}
		});
		for (String group : GROUPS) {
			resources.forEach((id, resource) -> {
				if (groupOf(resource).filter(group::equals).isPresent()) {
					bundle.addEntry().setFullUrl(id).setResource((Resource) resource)
							.addExtension(GROUP, new CodeType(group));
				}
			});
		}
		return bundle;
	}

	/**
	 * The group of a structured record, empty for what is not one (the request, its documents, the Task,
	 * the discussion, the opinions, the directory).
	 */
	Optional<String> groupOf(IBaseResource resource) {
		return Optional.ofNullable(switch (resource.fhirType()) {
			case "Condition", "AllergyIntolerance", "FamilyMemberHistory" -> "problems";
			case "Procedure" -> "procedures";
			case "Observation", "Specimen" -> "results";
			case "ImagingStudy" -> "imaging";
			case "DiagnosticReport" -> isOpinion(resource) ? null : radiology((DiagnosticReport) resource) ? "imaging" : "results";
			case "Medication", "MedicationRequest", "MedicationStatement", "MedicationAdministration", "Immunization" -> "medications";
			case "Encounter", "CarePlan", "CareTeam", "Goal", "Device", "QuestionnaireResponse", "Provenance" -> "care";
			default -> null;
		});
	}

	private static boolean radiology(DiagnosticReport report) {
		List<String> codes = report.getCode().getCoding().stream().map(coding -> coding.getSystem() + "|" + coding.getCode()).toList();
		List<String> categories = report.getCategory().stream().flatMap(category -> category.getCoding().stream())
				.map(coding -> coding.getSystem() + "|" + coding.getCode()).toList();
		return CompletenessRule.reportKind(codes, categories).filter(CompletenessRule.Structured.IMAGING_REPORT::equals).isPresent();
	}

	/** An opinion (of this case or of another case of the patient) is never one of the hospital's results. */
	private boolean isOpinion(IBaseResource resource) {
		return resource instanceof DiagnosticReport report && CaseResourceRecognizer.isOpinion(report, store::read);
	}

	private static Optional<Reference> medicationOf(IBaseResource record) {
		Object medication = record instanceof MedicationRequest prescription ? prescription.getMedication()
				: record instanceof MedicationStatement statement ? statement.getMedication()
				: record instanceof MedicationAdministration administration ? administration.getMedication() : null;
		return medication instanceof Reference reference ? Optional.of(reference) : Optional.empty();
	}

	private static void add(Map<String, IBaseResource> resources, IBaseResource resource) {
		resources.putIfAbsent(resource.getIdElement().toUnqualifiedVersionless().getValue(), resource);
	}
}

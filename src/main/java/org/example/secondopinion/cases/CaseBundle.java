package org.example.secondopinion.cases;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * Everything about one case in one Bundle, for the reviewer and the referrer: the request, the
 * patient, the original diagnosis, the records, the Task, the assigned expert, the discussion and
 * the opinions.
 */
@Component
public class CaseBundle {

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
		resources.forEach((id, resource) -> bundle.addEntry()
				.setFullUrl(id)
				.setResource((Resource) resource));
		return bundle;
	}

	private static void add(Map<String, IBaseResource> resources, IBaseResource resource) {
		resources.putIfAbsent(resource.getIdElement().toUnqualifiedVersionless().getValue(), resource);
	}

}

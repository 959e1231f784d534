package org.example.secondopinion.notify;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.data.IResourceModifiedDao;
import ca.uhn.fhir.jpa.dao.tx.HapiTransactionService;
import ca.uhn.fhir.jpa.model.entity.IPersistedResourceModifiedMessage;
import ca.uhn.fhir.jpa.subscription.ResourceModifiedMessagePersistenceSvcImpl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;

/**
 * HAPI's store of changes waiting to be matched, handing out each resource's changes in version order.
 * HAPI sorts them by the time each was stored, but a change the server makes inside the transaction of
 * another (the case workflow moving a Task on just before commit) is stored before the change it follows:
 * a new case Task's second version came out before its first, and so did their notifications. Among the
 * changes handed out at once, this puts each resource's versions in order, in the places its changes take;
 * changes of different resources keep HAPI's order.
 */
public class ChangesInVersionOrder extends ResourceModifiedMessagePersistenceSvcImpl {

	public ChangesInVersionOrder(FhirContext fhirContext, IResourceModifiedDao changes, DaoRegistry daoRegistry,
			HapiTransactionService transactions) {
		super(fhirContext, changes, daoRegistry, transactions);
	}

	@Override
	public Page<IPersistedResourceModifiedMessage> findAllOrderedByCreatedTime(Pageable page) {
		Page<IPersistedResourceModifiedMessage> found = super.findAllOrderedByCreatedTime(page);
		return new PageImpl<>(inVersionOrder(found.getContent()), found.getPageable(), found.getTotalElements());
	}

	static List<IPersistedResourceModifiedMessage> inVersionOrder(List<IPersistedResourceModifiedMessage> changes) {
		Map<String, List<Integer>> placesOfEachResource = new LinkedHashMap<>();
		for (int i = 0; i < changes.size(); i++) {
			placesOfEachResource.computeIfAbsent(resource(changes.get(i)), key -> new ArrayList<>()).add(i);
		}
		List<IPersistedResourceModifiedMessage> ordered = new ArrayList<>(changes);
		for (List<Integer> places : placesOfEachResource.values()) {
			List<IPersistedResourceModifiedMessage> versions = new ArrayList<>(places.stream().map(changes::get).toList());
			versions.sort(Comparator.comparingLong(change -> version(change.getPersistedResourceModifiedMessagePk().getResourceVersion())));
			for (int i = 0; i < places.size(); i++) {
				ordered.set(places.get(i), versions.get(i));
			}
		}
		return ordered;
	}

	private static String resource(IPersistedResourceModifiedMessage change) {
		return change.getResourceType() + "/" + change.getPersistedResourceModifiedMessagePk().getResourcePid();
	}

	private static long version(String version) {
		try {
			return Long.parseLong(version);
		} catch (NumberFormatException | NullPointerException e) {
			return Long.MAX_VALUE;
		}
	}
}

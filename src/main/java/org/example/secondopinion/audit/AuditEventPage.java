package org.example.secondopinion.audit;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.InstantType;

/**
 * One page of an audit trail search, read as one query when HAPI asks for it. One row more than the
 * page is read, to tell HAPI whether a next page exists (its {@code _offset} link) without counting
 * the whole trail: the total is not given.
 */
class AuditEventPage implements IBundleProvider {

	private final AuditRecords records;
	private final ShownAsStored shown;
	private final RequestDetails request;
	private final AuditQuery query;
	private final int offset;
	private final int pageSize;
	private final InstantType published = InstantType.now();

	AuditEventPage(AuditRecords records, ShownAsStored shown, RequestDetails request, AuditQuery query, int offset, int pageSize) {
		this.records = records;
		this.shown = shown;
		this.request = request;
		this.query = query;
		this.offset = offset;
		this.pageSize = pageSize;
	}

	@Override
	public List<IBaseResource> getResources(int fromIndex, int toIndex, ResponsePage.ResponsePageBuilder page) {
		if (pageSize == 0) {
			page.setTotalRequestedResourcesFetched(0); // _count=0: no page, and no link to the same empty page
			return List.of();
		}
		List<AuditEvent> found = records.search(query, offset, pageSize + 1);
		page.setTotalRequestedResourcesFetched(found.size());
		return shown.list(found.subList(0, Math.min(pageSize, found.size())), request);
	}

	@Override
	public Integer getCurrentPageOffset() {
		return offset;
	}

	@Override
	public Integer getCurrentPageSize() {
		return pageSize;
	}

	@Override
	public IPrimitiveType<Date> getPublished() {
		return published;
	}

	@Override
	public String getUuid() {
		return null;
	}

	@Override
	public Integer preferredPageSize() {
		return pageSize;
	}

	@Override
	public Integer size() {
		return null;
	}
}

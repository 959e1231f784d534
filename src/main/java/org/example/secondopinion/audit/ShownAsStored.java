package org.example.secondopinion.audit;

import ca.uhn.fhir.interceptor.api.HookParams;
import ca.uhn.fhir.interceptor.api.IInterceptorBroadcaster;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.SimplePreResourceShowDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.rest.server.util.CompositeInterceptorBroadcaster;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Passes what a provider outside HAPI's storage returns through the pointcuts HAPI's storage calls
 * before it returns resources ({@code STORAGE_PREACCESS_RESOURCES} for a read,
 * {@code STORAGE_PRESHOW_RESOURCES} for everything), so that every interceptor judging those (the access
 * policy's read guard, the audit interceptor) judges these as well, with no path of their own to forget.
 */
public class ShownAsStored {

	private final IInterceptorBroadcaster storageInterceptors;

	public ShownAsStored(IInterceptorBroadcaster storageInterceptors) {
		this.storageInterceptors = storageInterceptors;
	}

	/** The resource of a read, if the interceptors let the caller see it. */
	public <T extends IBaseResource> Optional<T> single(T resource, RequestDetails request) {
		SimplePreResourceAccessDetails access = new SimplePreResourceAccessDetails(resource);
		broadcaster(request).callHooks(Pointcut.STORAGE_PREACCESS_RESOURCES, params(request)
				.add(ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails.class, access));
		if (access.isDontReturnResourceAtIndex(0)) {
			return Optional.empty();
		}
		List<IBaseResource> shown = list(List.of(resource), request);
		@SuppressWarnings("unchecked")
		Optional<T> result = shown.isEmpty() ? Optional.empty() : Optional.of((T) shown.get(0));
		return result;
	}

	/** What of a page of resources the interceptors let the caller see, in its order. */
	public List<IBaseResource> list(List<? extends IBaseResource> resources, RequestDetails request) {
		SimplePreResourceShowDetails show = new SimplePreResourceShowDetails(resources);
		broadcaster(request).callHooks(Pointcut.STORAGE_PRESHOW_RESOURCES, params(request)
				.add(ca.uhn.fhir.rest.api.server.IPreResourceShowDetails.class, show));
		return show.toList().stream().filter(Objects::nonNull).toList();
	}

	private IInterceptorBroadcaster broadcaster(RequestDetails request) {
		return CompositeInterceptorBroadcaster.newCompositeBroadcaster(storageInterceptors, request);
	}

	private static HookParams params(RequestDetails request) {
		return new HookParams()
				.add(RequestDetails.class, request)
				.addIfMatchesType(ServletRequestDetails.class, request);
	}
}

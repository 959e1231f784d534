package org.example.secondopinion.notify;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.rest.api.EncodingEnum;
import org.hl7.fhir.instance.model.api.IBaseResource;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Names a notification's focus with the version whose change it reports ({@code Task/123/_history/4}),
 * so that an EHR can tell a repeated notification (same focus and version) from a new change of the same
 * resource. HAPI names the focus without its version, and by the time a notification is built only the
 * change being matched still knows it: this remembers it while HAPI matches the change (topics and
 * criteria, on the matching thread), writes it into each topic notification matched from it, and leaves it
 * on every notification as the {@link #ATTRIBUTE} that the {@link RestHookToOutbox} records.
 */
@Interceptor
public class FocusVersion {

	/** The delivery message's attribute naming the changed resource with its version. */
	static final String ATTRIBUTE = "so-focus";

	private static final String FOCUS_PATH = "Parameters.parameter.part.value";

	private static final ThreadLocal<IIdType> MATCHING = new ThreadLocal<>();

	private final FhirContext fhirContext;

	/**
	 * HAPI drops the version of every reference it writes, unless told where not to: here, in the parts
	 * of a Parameters resource, which is where a notification's focus and the delivery log's are.
	 */
	public FocusVersion(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
		Set<String> kept = new HashSet<>(fhirContext.getParserOptions().getDontStripVersionsFromReferencesAtPaths());
		kept.add(FOCUS_PATH);
		fhirContext.getParserOptions().setDontStripVersionsFromReferencesAtPaths(kept);
	}

	@Hook(Pointcut.SUBSCRIPTION_TOPIC_BEFORE_PERSISTED_RESOURCE_CHECKED)
	public boolean beforeTopicMatching(ResourceModifiedMessage change) {
		remember(change);
		return true;
	}

	@Hook(Pointcut.SUBSCRIPTION_BEFORE_PERSISTED_RESOURCE_CHECKED)
	public boolean beforeCriteriaMatching(ResourceModifiedMessage change) {
		remember(change);
		return true;
	}

	@Hook(Pointcut.SUBSCRIPTION_TOPIC_AFTER_PERSISTED_RESOURCE_CHECKED)
	public void afterTopicMatching() {
		MATCHING.remove();
	}

	@Hook(Pointcut.SUBSCRIPTION_AFTER_PERSISTED_RESOURCE_CHECKED)
	public void afterCriteriaMatching() {
		MATCHING.remove();
	}

	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MATCHED)
	public boolean nameTheFocusWithItsVersion(ResourceDeliveryMessage notification) {
		IIdType changed = MATCHING.get();
		if (changed == null) {
			return true;
		}
		notification.setAttribute(ATTRIBUTE, changed.getValue());
		IBaseResource payload = notification.getPayload(fhirContext);
		NotificationStatus.of(payload)
				.filter(status -> status.focus().filter(focus -> isVersionOf(focus, changed)).isPresent())
				.ifPresent(status -> {
					status.setFocus(changed);
					notification.setPayload(fhirContext, payload, EncodingEnum.detectEncoding(notification.getPayloadString()));
				});
		return true;
	}

	private void remember(ResourceModifiedMessage change) {
		IIdType id = change.getPayloadId(fhirContext);
		if (id == null) {
			MATCHING.remove();
			return;
		}
		if (!id.hasVersionIdPart() && change.getPayloadVersion() != null) {
			id = id.withVersion(change.getPayloadVersion());
		}
		IBaseResource resource = change.getNewResource(fhirContext);
		if (!id.hasVersionIdPart() && resource != null && resource.getMeta().getVersionId() != null) {
			id = id.withVersion(resource.getMeta().getVersionId());
		}
		if (id.hasVersionIdPart()) {
			MATCHING.set(id.toUnqualified());
		} else {
			MATCHING.remove();
		}
	}

	private boolean isVersionOf(String focus, IIdType changed) {
		IIdType focusId = fhirContext.getVersion().newIdType().setValue(focus);
		return changed.toUnqualifiedVersionless().getValue().equals(focusId.toUnqualifiedVersionless().getValue());
	}
}

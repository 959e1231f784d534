package org.example.secondopinion.capability;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;

/**
 * Completes what HAPI generates: it serves batch bundles through the same endpoint as
 * transactions but lists only the transaction interaction, and an integration engineer reads
 * the CapabilityStatement to learn what the server takes.
 */
@Interceptor
public class CapabilityStatementCompletion {

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void complete(IBaseConformance generated) {
		if (!(generated instanceof CapabilityStatement capabilities)) {
			return;
		}
		capabilities.setName("SecondOpinionServer").setTitle("Second-opinion FHIR server");
		CapabilityStatementRestComponent rest = capabilities.getRestFirstRep();
		boolean listsBatch = rest.getInteraction().stream()
				.anyMatch(interaction -> interaction.getCode() == SystemRestfulInteraction.BATCH);
		if (!listsBatch) {
			rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
		}
	}
}

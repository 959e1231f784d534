package org.example.secondopinion.capability;

import ca.uhn.fhir.interceptor.api.Hook;
import org.example.secondopinion.audit.AuditEventProvider;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.function.BiPredicate;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;

/**
 * Completes what HAPI generates, as an integration engineer reads the CapabilityStatement to learn what
 * the server takes: HAPI serves batch bundles through the same endpoint as transactions but lists only the
 * transaction interaction, and it lists every operation of its providers ({@code $expunge},
 * {@code $reindex}, ...), of which the authorization rules let a caller run only a few: the others are
 * left out.
 */
@Interceptor
public class CapabilityStatementCompletion {

	/** Whether some caller may run an operation ({@code $case}) on a type (null: on the server). */
	private final BiPredicate<String, String> callable;

	public CapabilityStatementCompletion(BiPredicate<String, String> callable) {
		this.callable = callable;
	}

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
		rest.getOperation().removeIf(operation -> !callable.test("$" + operation.getName(), null));
		rest.getResource().forEach(resource ->
				resource.getOperation().removeIf(operation -> !callable.test("$" + operation.getName(), resource.getType())));
		// HAPI lists every built-in parameter of a type; the trail's own provider takes fewer
		rest.getResource().stream().filter(resource -> "AuditEvent".equals(resource.getType())).forEach(resource ->
				resource.getSearchParam().removeIf(parameter -> !AuditEventProvider.searchParameterNames().contains(parameter.getName())));
	}
}

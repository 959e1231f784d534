package org.example.secondopinion.cases;

import org.example.secondopinion.config.FhirServerExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class CaseConfig {

	@Bean
	public FhirServerExtension caseWorkflowEndpoints(
			CaseWorkflow workflow, OpinionWorkflow opinions, DiscussionWorkflow discussion, CaseOperations operations,
			CaseStore store) {
		return server -> {
			server.registerInterceptor(new CaseWorkflowInterceptor(workflow, opinions, discussion, store));
			server.registerProvider(operations);
		};
	}
}

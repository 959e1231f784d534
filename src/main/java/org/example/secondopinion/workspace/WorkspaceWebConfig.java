package org.example.secondopinion.workspace;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the workspace, a static SMART app in {@code static/workspace/}, at {@code /workspace/}: the page
 * the authorization server sends the browser back to with the code (its registered redirect URI).
 */
@Configuration
public class WorkspaceWebConfig implements WebMvcConfigurer {

	@Override
	public void addViewControllers(ViewControllerRegistry registry) {
		registry.addRedirectViewController("/workspace", "/workspace/");
		registry.addViewController("/workspace/").setViewName("forward:/workspace/index.html");
	}
}

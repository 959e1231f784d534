package org.example.secondopinion.config;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Creates the server's application context: Spring Boot's own servlet context, with one change that
 * makes start-up faster: the bean definitions are frozen before the web server is built.
 *
 * <p>Spring Boot creates the servlet and filter beans while it builds the embedded web server, before
 * the other singletons. Our FHIR servlet brings nearly all of HAPI with it (146 resource DAOs, each
 * with dozens of autowired fields). Spring caches its by-type bean lookups only once the bean
 * definitions are frozen, which it does just after that step; until then every autowired field scans
 * every bean definition. By the time the web server is built every {@code BeanFactoryPostProcessor}
 * has run, so no definition changes any more: freezing them there is what Spring does a moment later
 * anyway, only earlier.
 *
 * <p>Registered in {@code META-INF/spring.factories}, so that the tests' contexts are made the same way.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class FrozenBeforeWebServerContextFactory implements ApplicationContextFactory {

	@Override
	public ConfigurableApplicationContext create(WebApplicationType webApplicationType) {
		return webApplicationType == WebApplicationType.SERVLET ? new FrozenBeforeWebServerContext() : null;
	}

	/** Spring Boot's servlet context, its bean definitions frozen before the web server is created. */
	public static class FrozenBeforeWebServerContext extends AnnotationConfigServletWebServerApplicationContext {

		@Override
		protected void onRefresh() {
			getBeanFactory().freezeConfiguration();
			super.onRefresh();
		}
	}
}

package org.example.secondopinion.config;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FrozenBeforeWebServerContextFactoryTest {

	private static final AtomicBoolean frozenWhenServletWasCreated = new AtomicBoolean();

	@Test
	void servletBeansAreCreatedWithTheBeanDefinitionsAlreadyFrozen() {
		// Made the way every Spring Boot application here is made: the factory comes from spring.factories.
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TinyWebApplication.class)
				.web(WebApplicationType.SERVLET)
				.run("--server.port=0")) {
			assertThat(context).isInstanceOf(FrozenBeforeWebServerContextFactory.FrozenBeforeWebServerContext.class);
			assertThat(frozenWhenServletWasCreated).isTrue();
		}
	}

	@Test
	void otherKindsOfApplicationAreLeftToSpringBoot() {
		assertThat(new FrozenBeforeWebServerContextFactory().create(WebApplicationType.NONE)).isNull();
		assertThat(new FrozenBeforeWebServerContextFactory().create(WebApplicationType.REACTIVE)).isNull();
	}

	@Configuration(proxyBeanMethods = false)
	static class TinyWebApplication {

		@Bean
		TomcatServletWebServerFactory webServerFactory() {
			return new TomcatServletWebServerFactory(0);
		}

		@Bean
		ServletRegistrationBean<HttpServlet> servlet(ConfigurableListableBeanFactory beanFactory) {
			frozenWhenServletWasCreated.set(beanFactory.isConfigurationFrozen());
			return new ServletRegistrationBean<>(new HttpServlet() {}, "/tiny/*");
		}
	}
}

package org.example.secondopinion.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.example.secondopinion.FhirServerIT;
import org.junit.jupiter.api.Test;

/**
 * People sign in as SMART App Launch says (standalone launch, authorization code with PKCE, as the public
 * client "workspace"), driven over plain HTTP the way a browser follows the redirects: the authorization
 * endpoint, the login page with its CSRF token, back to the app with a code, the code exchanged.
 */
class SignInIT extends FhirServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final String APP_SCOPES = "openid fhirUser offline_access user/*.cruds";

	@Test
	void anExpertSignsInAndGetsTheirOwnScopesAnIdTokenAndARefreshToken() throws Exception {
		JsonNode tokens = signIn("expert-osei", "dev-expert-osei", APP_SCOPES).tokens();

		List<String> granted = Arrays.asList(tokens.get("scope").asText().split(" "));
		assertThat(granted).contains("openid", "fhirUser", "offline_access", "user/Task.rus", "user/DiagnosticReport.crus")
				.doesNotContain("user/*.cruds", "user/Patient.c");
		JsonNode idToken = claims(tokens.get("id_token").asText());
		assertThat(idToken.get("sub").asText()).isEqualTo("expert-osei");
		assertThat(idToken.get("fhirUser").asText()).isEqualTo("https://second-opinion.example.org/fhir/id/expert|expert-osei");
		assertThat(idToken.get("second_opinion_role").asText()).isEqualTo("expert");
		assertThat(idToken.get("aud").toString()).contains("workspace");
		assertThat(tokens.get("refresh_token").asText()).isNotBlank();

		String accessToken = tokens.get("access_token").asText();
		JsonNode access = claims(accessToken);
		assertThat(access.get("second_opinion_role").asText()).isEqualTo("expert");
		assertThat(access.get("client_id").asText()).isEqualTo("workspace");
		// the access rules apply to the person: an expert reads tasks, and may not create a patient
		assertThat(as(accessToken, "GET", "/Task?_count=1", null).statusCode()).isEqualTo(200);
		assertThat(as(accessToken, "POST", "/Patient", "{\"resourceType\":\"Patient\"}").statusCode()).isEqualTo(403);
	}

	@Test
	void aRefreshTokenGivesNewTokensOnceAndPresentedAgainEndsTheSignIn() throws Exception {
		String refreshToken = signIn("coordinator", "dev-coordinator", APP_SCOPES).tokens().get("refresh_token").asText();

		HttpResponse<String> refreshed = token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
				"client_id", "workspace"));
		assertThat(refreshed.statusCode()).isEqualTo(200);
		JsonNode tokens = JSON.readTree(refreshed.body());
		assertThat(tokens.get("refresh_token").asText()).isNotEqualTo(refreshToken);
		assertThat(claims(tokens.get("access_token").asText()).get("second_opinion_role").asText()).isEqualTo("coordinator");
		assertThat(as(tokens.get("access_token").asText(), "GET", "/ServiceRequest?_count=1", null).statusCode()).isEqualTo(200);

		HttpResponse<String> again = token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
				"client_id", "workspace"));
		assertThat(again.statusCode()).isEqualTo(400);
		assertThat(again.body()).contains("invalid_grant");
		// one of the two holders of that token is not the app: the sign-in is revoked, its newer token too
		HttpResponse<String> newer = token(Map.of("grant_type", "refresh_token", "refresh_token", tokens.get("refresh_token").asText(),
				"client_id", "workspace"));
		assertThat(newer.statusCode()).isEqualTo(400);
		assertThat(newer.body()).contains("invalid_grant");
	}

	@Test
	void signingOutEndsTheLoginSessionAndTheAppsRefreshTokens() throws Exception {
		SignedIn signedIn = signIn("expert-tanaka", "dev-expert-tanaka", APP_SCOPES);
		HttpResponse<String> out = signedIn.browser().get(origin() + "/logout");
		assertThat(out.statusCode()).isEqualTo(302);
		assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/workspace/");

		HttpResponse<String> refreshed = token(Map.of("grant_type", "refresh_token",
				"refresh_token", signedIn.tokens().get("refresh_token").asText(), "client_id", "workspace"));
		assertThat(refreshed.statusCode()).isEqualTo(400);
		HttpResponse<String> again = signedIn.browser().get(authorizeUrl(APP_SCOPES, new Pkce(), origin() + "/workspace/"));
		assertThat(again.headers().firstValue("Location").orElseThrow()).as("the password is asked again").endsWith("/login");
	}

	@Test
	void withoutOfflineAccessThereIsNoRefreshToken() throws Exception {
		JsonNode tokens = signIn("expert-tanaka", "dev-expert-tanaka", "openid fhirUser user/*.cruds").tokens();
		assertThat(tokens.has("refresh_token")).isFalse();
		assertThat(tokens.get("scope").asText()).doesNotContain("offline_access");
	}

	@Test
	void aPatientSigningIntoTheWorkspaceGetsNoneOfTheStaffScopes() throws Exception {
		JsonNode tokens = signIn("patient-seg-448213", "dev-patient", APP_SCOPES).tokens();
		assertThat(tokens.get("scope").asText()).doesNotContain("user/");
		assertThat(claims(tokens.get("id_token").asText()).get("second_opinion_role").asText()).isEqualTo("patient");
	}

	@Test
	void aWrongPasswordSendsThePersonBackToTheLoginPage() throws Exception {
		Browser browser = new Browser();
		Pkce pkce = new Pkce();
		browser.get(authorizeUrl(APP_SCOPES, pkce, origin() + "/workspace/"));
		HttpResponse<String> refused = browser.submitLogin("expert-osei", "not-the-password");
		assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");
		assertThat(browser.get(origin() + "/login?error").body()).contains("Wrong username or password");
	}

	@Test
	void theLoginFormNeedsItsCsrfToken() throws Exception {
		HttpResponse<String> forged = new Browser().post(origin() + "/login", Map.of("username", "expert-osei", "password", "dev-expert-osei"));
		assertThat(forged.statusCode()).isEqualTo(403);
	}

	@Test
	void aCodeIsSentOnlyToTheWorkspaceOnTheServersOwnOrigin() throws Exception {
		Browser browser = new Browser();
		HttpResponse<String> elsewhere = browser.get(authorizeUrl(APP_SCOPES, new Pkce(), "https://attacker.example.com/workspace/"));
		assertThat(elsewhere.statusCode()).isEqualTo(400);
		assertThat(elsewhere.headers().firstValue("Location")).isEmpty();
	}

	@Test
	void pkceIsRequiredAndTheVerifierMustMatch() throws Exception {
		Browser browser = new Browser();
		String withoutChallenge = origin() + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", "workspace",
				"redirect_uri", origin() + "/workspace/", "scope", APP_SCOPES, "state", "s1"));
		HttpResponse<String> refused = browser.get(withoutChallenge);
		assertThat(refused.headers().firstValue("Location").orElse("")).doesNotContain("code=");

		SignedIn signedIn = signIn("expert-herrera", "dev-expert-herrera", APP_SCOPES, new Pkce(), false);
		HttpResponse<String> wrongVerifier = token(Map.of("grant_type", "authorization_code", "code", signedIn.code(),
				"redirect_uri", origin() + "/workspace/", "client_id", "workspace", "code_verifier", new Pkce().verifier));
		assertThat(wrongVerifier.statusCode()).isIn(400, 401);
		assertThat(wrongVerifier.body()).doesNotContain("access_token");
	}

	@Test
	void anAppMayNotAskForScopesBeyondItsRegistration() throws Exception {
		Browser browser = new Browser();
		Pkce pkce = new Pkce();
		browser.get(authorizeUrl("openid system/*.cruds", pkce, origin() + "/workspace/"));
		browser.submitLogin("coordinator", "dev-coordinator");
		HttpResponse<String> answer = browser.get(authorizeUrl("openid system/*.cruds", pkce, origin() + "/workspace/"));
		assertThat(answer.headers().firstValue("Location").orElse("")).contains("error=invalid_scope").doesNotContain("code=");
	}

	@Test
	void theSmartConfigurationOffersStandaloneLaunchForPublicClients() throws Exception {
		JsonNode configuration = JSON.readTree(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/.well-known/smart-configuration")).build()).body());
		assertThat(configuration.get("authorization_endpoint").asText()).isEqualTo(origin() + "/oauth2/authorize");
		assertThat(configuration.get("code_challenge_methods_supported").toString()).contains("S256");
		assertThat(configuration.get("capabilities").toString())
				.contains("launch-standalone", "client-public", "sso-openid-connect", "permission-offline", "permission-v2");
		assertThat(configuration.get("grant_types_supported").toString()).contains("authorization_code", "refresh_token");
		String metadata = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/metadata?_format=json")).build()).body();
		assertThat(metadata.replaceAll("\\s", "")).contains("\"url\":\"authorize\"").contains(origin() + "/oauth2/authorize");
	}

	// --- the flow, as a browser and the app do it ---

	private record SignedIn(String code, Pkce pkce, JsonNode tokens, Browser browser) {}

	private SignedIn signIn(String username, String password, String scopes) throws Exception {
		return signIn(username, password, scopes, new Pkce(), true);
	}

	private SignedIn signIn(String username, String password, String scopes, Pkce pkce, boolean exchange) throws Exception {
		Browser browser = new Browser();
		String redirect = origin() + "/workspace/";
		HttpResponse<String> toLogin = browser.get(authorizeUrl(scopes, pkce, redirect));
		assertThat(toLogin.headers().firstValue("Location").orElseThrow()).endsWith("/login");
		HttpResponse<String> back = browser.submitLogin(username, password);
		HttpResponse<String> withCode = browser.get(back.headers().firstValue("Location").orElseThrow());
		String location = withCode.headers().firstValue("Location").orElseThrow();
		assertThat(location).startsWith(redirect).contains("state=" + pkce.state);
		String code = queryParameter(location, "code");
		if (!exchange) {
			return new SignedIn(code, pkce, null, browser);
		}
		HttpResponse<String> tokens = token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirect,
				"client_id", "workspace", "code_verifier", pkce.verifier));
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		return new SignedIn(code, pkce, JSON.readTree(tokens.body()), browser);
	}

	private String authorizeUrl(String scopes, Pkce pkce, String redirect) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("response_type", "code");
		parameters.put("client_id", "workspace");
		parameters.put("redirect_uri", redirect);
		parameters.put("scope", scopes);
		parameters.put("state", pkce.state);
		parameters.put("aud", baseUrl());
		parameters.put("code_challenge", pkce.challenge);
		parameters.put("code_challenge_method", "S256");
		return origin() + "/oauth2/authorize?" + form(parameters);
	}

	private HttpResponse<String> token(Map<String, String> parameters) {
		return send(HttpRequest.newBuilder(URI.create(origin() + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form(parameters))).build());
	}

	private static String form(Map<String, String> parameters) {
		return parameters.entrySet().stream()
				.map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
	}

	private static String queryParameter(String url, String name) {
		Matcher matcher = Pattern.compile("[?&]" + name + "=([^&]*)").matcher(url);
		assertThat(matcher.find()).as(url).isTrue();
		return java.net.URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
	}

	private static JsonNode claims(String jwt) throws IOException {
		return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
	}

	/** A PKCE verifier and its S256 challenge, and a state. */
	private static final class Pkce {
		private static final SecureRandom RANDOM = new SecureRandom();
		final String verifier = random(48);
		final String challenge;
		final String state = random(16);

		Pkce() {
			try {
				challenge = Base64.getUrlEncoder().withoutPadding()
						.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
			} catch (java.security.NoSuchAlgorithmException e) {
				throw new IllegalStateException(e);
			}
		}

		private static String random(int bytes) {
			byte[] value = new byte[bytes];
			RANDOM.nextBytes(value);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
		}
	}

	/** Cookies kept, redirects not followed (each step is checked), asks for HTML like a browser. */
	private final class Browser {
		private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
				.followRedirects(HttpClient.Redirect.NEVER).build();

		HttpResponse<String> get(String url) throws Exception {
			return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").build(),
					HttpResponse.BodyHandlers.ofString());
		}

		HttpResponse<String> post(String url, Map<String, String> parameters) throws Exception {
			return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html")
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(form(parameters))).build(), HttpResponse.BodyHandlers.ofString());
		}

		HttpResponse<String> submitLogin(String username, String password) throws Exception {
			String page = get(origin() + "/login").body();
			Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
			assertThat(csrf.find()).as("the login page has a CSRF token").isTrue();
			assertThat(page).contains("expert-osei").contains("<label for=\"username\"");
			return post(origin() + "/login", Map.of("username", username, "password", password, "_csrf", csrf.group(1)));
		}
	}
}

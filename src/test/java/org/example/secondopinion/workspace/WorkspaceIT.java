package org.example.secondopinion.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import org.example.secondopinion.cases.CaseSteps;
import org.example.secondopinion.cases.SampleCase;
import org.example.secondopinion.notify.NotificationReceiver;
import org.example.secondopinion.notify.TestSubscriptions;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The workspace in a real Chromium against the real server: people sign in on the login page (SMART App
 * Launch with PKCE) and do their work through the pages, which call the public FHIR API with their token.
 * What the pages store is checked over HTTP afterwards, as an EHR would read it.
 */
class WorkspaceIT extends CaseSteps {

	private static final String SD = "https://second-opinion.example.org/fhir/StructureDefinition/";

	@Autowired
	private SubscriptionRegistry registry;

	private Browser browser;

	/** The page as the test left it, in the test reports: what a failure looked like. */
	@AfterEach
	void closeBrowser(org.junit.jupiter.api.TestInfo test) {
		if (browser != null) {
			try {
				browser.screenshot("last-" + test.getTestMethod().orElseThrow().getName(), null);
			} finally {
				browser.close();
			}
		}
	}

	@Test
	void expertReadsTheRecordsAsksTheReferrerAndSignsAndAmendsTheOpinion() {
		ServiceRequest request = newSarcomaCase();
		String expert = assignedExpertUsername(task(request));

		browser = Browser.start(1280, 800);
		browser.signIn(origin(), expert, "dev-" + expert);
		WebElement row = browser.find("#worklist tr[data-case='" + request.getIdPart() + "']");
		assertThat(row.getAttribute("data-state")).isEqualTo("assigned");
		browser.screenshot("worklist", "workspace-worklist");
		browser.click("#worklist tr[data-case='" + request.getIdPart() + "'] a");

		// the case page: the question, the original diagnosis, completeness, the records
		assertThat(browser.find("#question").getText()).contains("is this really a lipoma?");
		assertThat(browser.find("#diagnosis").getText()).containsIgnoringCase("lipoma");
		assertThat(browser.find("#completeness-result").getAttribute("data-complete")).isEqualTo("true");
		browser.click("#documents button[aria-label^='View Surgical pathology report']");
		assertThat(browser.find("#record-text").getText()).containsIgnoringCase("myxoid");

		// a question to the referrer puts the case on hold
		browser.find("#question-text").sendKeys("Were the margins inked before the specimen was sliced?");
		browser.click("#ask");
		browser.await(ExpectedConditions.attributeToBe(By.cssSelector("#case-summary"), "data-state", "awaiting-information"));
		assertThat(browser.find("#messages").getText()).contains("Were the margins inked");

		// while the question is open the server refuses a final opinion, and the page shows its words
		browser.click("#concordance-confirmed");
		browser.find("#conclusion").sendKeys("A lipoma after all.");
		browser.find("#rationale").sendKeys("Mature fat only.");
		browser.click("#reviewed-0");
		browser.click("#sign-confirm");
		browser.click("#sign-final");
		assertThat(browser.find("#message .alert-danger").getText()).contains("The case is awaiting information from the referrer");
		assertThat(client().search().byUrl("DiagnosticReport?based-on=ServiceRequest/" + request.getIdPart())
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();

		// the referrer answers over the API; the case returns to review
		Communication question = (Communication) client().search().byUrl("Communication?based-on=ServiceRequest/" + request.getIdPart())
				.returnBundle(Bundle.class).execute().getEntryFirstRep().getResource();
		Communication answer = message(request, request.getRequester().getReference(), question.getSender().getReference(),
				"Yes, inked blue (deep) and black (superficial) before slicing.");
		answer.addInResponseTo(new Reference("Communication/" + question.getIdPart()));
		client().create().resource(answer).execute();
		browser.driver.navigate().refresh();
		browser.await(ExpectedConditions.attributeToBe(By.cssSelector("#case-summary"), "data-state", "in-review"));

		// the opinion form: saved as preliminary, then signed
		browser.click("#concordance-changed");
		browser.find("#conclusion").sendKeys("Myxoid liposarcoma of the left thigh, not a lipoma.");
		Select codes = new Select(browser.find("#diagnosis-code"));
		assertThat(codes.getOptions()).hasSizeGreaterThan(10);
		codes.selectByVisibleText(codes.getOptions().stream().map(WebElement::getText)
				.filter(text -> text.startsWith("Liposarcoma")).findFirst().orElseThrow());
		browser.find("#rationale").sendKeys("Plexiform capillaries in a myxoid stroma with lipoblasts.");
		for (int index = 0; index < 3; index++) {
			browser.click("#reviewed-" + index);
		}
		browser.find("#recommendations").sendKeys("DDIT3 FISH on block A3\nRe-excision at a sarcoma centre");
		new Select(browser.find("#impact")).selectByValue("major");
		browser.click("#save-preliminary");
		browser.find("#draft-saved");
		assertThat(browser.find("#conclusion").getAttribute("value")).isEqualTo("Myxoid liposarcoma of the left thigh, not a lipoma.");
		((JavascriptExecutor) browser.driver).executeScript("document.getElementById('opinion').scrollIntoView({behavior: 'instant'})");
		browser.screenshot("opinion-form", "workspace-opinion");

		browser.click("#sign-final");
		assertThat(browser.find("#message .alert-danger").getText()).contains("Tick the box");
		browser.click("#sign-confirm");
		browser.click("#sign-final");
		assertThat(browser.find("#opinion-read").getAttribute("data-status")).isEqualTo("final");
		browser.screenshot("case-completed", "workspace-case");

		DiagnosticReport stored = opinionOf(request);
		assertThat(stored.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
		assertThat(stored.getExtensionByUrl(SD + "so-concordance").getValue().primitiveValue()).isEqualTo("changed");
		assertThat(stored.getExtensionsByUrl(SD + "so-records-reviewed")).hasSize(3);
		assertThat(stored.getExtensionsByUrl(SD + "so-recommendation")).extracting(e -> e.getValue().primitiveValue())
				.containsExactly("DDIT3 FISH on block A3", "Re-excision at a sarcoma centre");
		assertThat(stored.getConclusionCodeFirstRep().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
		assertThat(businessStatus(task(request))).isEqualTo("completed");

		// amending needs a reason; the server's refusal would say so too, the form says it first
		browser.click("#amend");
		browser.find("#conclusion").sendKeys(" FISH confirmed the DDIT3 rearrangement.");
		browser.click("#save-amendment");
		assertThat(browser.find("#message .alert-danger").getText()).contains("reason for the amendment");
		browser.find("#amendment-reason").sendKeys("FISH result added");
		browser.click("#save-amendment");
		browser.await(ExpectedConditions.attributeToBe(By.cssSelector("#opinion-read"), "data-status", "amended"));
		DiagnosticReport amended = opinionOf(request);
		assertThat(amended.getIdPart()).isEqualTo(stored.getIdPart());
		assertThat(amended.getConclusion()).endsWith("FISH confirmed the DDIT3 rearrangement.");
		assertThat(amended.getExtensionByUrl(SD + "so-amendment-reason").getValue().primitiveValue()).isEqualTo("FISH result added");
	}

	@Test
	void coordinatorSeesTheQueueAssignsOneCaseAndRejectsAnother() {
		// a case no expert's specialties match waits in triage for the coordinator
		SampleCase sample = new SampleCase("lakeside-clinic.example.org");
		assertThat(postBundle(inTriage(sample.file("06-lipoma-request.json"))).statusCode()).isEqualTo(200);
		ServiceRequest triaged = request(sample);
		Task waiting = task(triaged);
		assertThat(businessStatus(waiting)).as(waiting.getStatusReason().getText()).isEqualTo("triage");
		SampleCase other = new SampleCase("lakeside-clinic.example.org");
		assertThat(postBundle(inTriage(other.file("06-lipoma-request.json"))).statusCode()).isEqualTo(200);
		ServiceRequest declined = request(other);

		browser = Browser.start(1280, 800);
		browser.signIn(origin(), "coordinator", "dev-coordinator");
		browser.find("#queue-triage tr[data-case='" + triaged.getIdPart() + "']");
		browser.screenshot("queue", "workspace-queue");
		browser.click("#queue-triage tr[data-case='" + triaged.getIdPart() + "'] a");

		browser.click("#find-experts");
		WebElement firstExpert = browser.find("#assign-form input[name=expert]");
		String chosen = firstExpert.getAttribute("value");
		assertThat(browser.find("#assign-form").getText()).contains(":"); // each expert with the reason matching gave
		browser.click("#expert-0");
		browser.find("#assign-reason").sendKeys("Soft-tissue pathology review");
		browser.click("#assign");
		browser.await(ExpectedConditions.attributeToBe(By.cssSelector("#case-summary"), "data-state", "assigned"));
		browser.screenshot("assigned", "workspace-assign");
		Task assigned = task(triaged);
		assertThat(assigned.getOwner().getReference()).isEqualTo(chosen);
		assertThat(assigned.getStatusReason().getText()).contains("Soft-tissue pathology review");

		browser.driver.get(origin() + "/workspace/#/case/" + declined.getIdPart());
		browser.click("#reject");
		assertThat(browser.find("#message .alert-danger").getText()).contains("reason for rejecting");
		browser.find("#reject-reason").sendKeys("Outside the centre's scope: a lipoma needs no second opinion");
		browser.click("#reject");
		browser.await(ExpectedConditions.attributeToBe(By.cssSelector("#case-summary"), "data-state", "rejected"));
		assertThat(businessStatus(task(declined))).isEqualTo("rejected");
		assertThat(task(declined).getStatusReason().getText()).contains("Outside the centre's scope");
	}

	@Test
	void coordinatorSeesFailingNotifications() throws Exception {
		try (NotificationReceiver receiver = NotificationReceiver.start()) {
			receiver.goDown();
			String family = "Unreachable" + System.nanoTime();
			String endpoint = receiver.url("/down");
			String subscription = client().create().resource(TestSubscriptions.criteria("Patient?family=" + family, endpoint))
					.execute().getId().toUnqualifiedVersionless().getValue();
			TestSubscriptions.awaitRegistered(registry, subscription, Duration.ofSeconds(30), "subscription active");
			client().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setFamily(family))).execute();
			Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
			while (receiver.refusedCount() < 2 && Instant.now().isBefore(deadline)) {
				NotificationReceiver.pause(Duration.ofMillis(100));
			}
			assertThat(receiver.refusedCount()).isGreaterThanOrEqualTo(2);

			browser = Browser.start(1280, 800);
			browser.signIn(origin(), "coordinator", "dev-coordinator");
			// an access token the server no longer takes is renewed with the refresh token, unnoticed
			((JavascriptExecutor) browser.driver).executeScript("const key = 'so-workspace-session';"
					+ "const session = JSON.parse(sessionStorage.getItem(key)); session.accessToken = 'expired';"
					+ "sessionStorage.setItem(key, JSON.stringify(session));");
			browser.click("a[href='#/notifications']");
			WebElement table = browser.find("#notifications");
			List<WebElement> rows = table.findElements(By.cssSelector("tr[data-notification]")).stream()
					.filter(row -> row.getText().contains(endpoint)).toList();
			assertThat(rows).isNotEmpty();
			assertThat(rows.get(0).getText()).contains(subscription).contains("503");
			assertThat((String) ((JavascriptExecutor) browser.driver).executeScript(
					"return JSON.parse(sessionStorage.getItem('so-workspace-session')).accessToken")).isNotEqualTo("expired");
			browser.screenshot("notifications", "workspace-notifications");

			// signing out ends the login session too: signing in again asks for the password
			browser.click("#user button");
			browser.click("#sign-in");
			assertThat(browser.find("#username").isDisplayed()).isTrue();
			assertThat(browser.driver.getCurrentUrl()).endsWith("/login");
		}
	}

	@Test
	void pagesWorkAtTabletWidthAndByKeyboard() {
		ServiceRequest request = newSarcomaCase();
		String expert = assignedExpertUsername(task(request));

		browser = Browser.start(768, 1024);
		browser.driver.get(origin() + "/workspace/");
		// keyboard only: the sign-in button has the focus, Enter follows it; the login form is filled by typing
		browser.find("#sign-in");
		browser.driver.switchTo().activeElement().sendKeys(Keys.ENTER);
		browser.find("#username").sendKeys(expert, Keys.TAB, "dev-" + expert, Keys.ENTER);
		browser.find("#worklist tr[data-case='" + request.getIdPart() + "'] a").sendKeys(Keys.ENTER);
		browser.find("#case-summary");
		// the new page's heading has the focus, for screen readers and keyboard users
		assertThat(browser.driver.switchTo().activeElement().getTagName()).isEqualTo("h1");
		JavascriptExecutor page = (JavascriptExecutor) browser.driver;
		assertThat((Boolean) page.executeScript("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
				.as("no horizontal scrolling at tablet width").isTrue();
		// every form control has a label
		Object unlabelled = page.executeScript("return [...document.querySelectorAll('main input, main select, main textarea')]"
				+ ".filter(c => c.type !== 'hidden' && c.labels.length === 0 && !c.getAttribute('aria-label')).map(c => c.id)");
		assertThat((List<?>) unlabelled).isEmpty();
		browser.screenshot("case-tablet", "workspace-tablet");

		// an image stored as a Binary is fetched with the token and shown in the page; a PDF is framed
		String image = client().create().resource(new Binary().setContentType("image/png").setData(png())).execute().getId().toUnqualifiedVersionless().getValue();
		client().create().resource(record(request, "Photograph of the scar", new Attachment().setContentType("image/png").setUrl(image).setTitle("Scar photograph"))).execute();
		client().create().resource(record(request, "Referral letter", new Attachment().setContentType("application/pdf")
				.setData(MINIMAL_PDF.getBytes(StandardCharsets.US_ASCII)).setTitle("Referral letter (PDF)"))).execute();
		browser.driver.navigate().refresh();
		browser.click("#documents button[aria-label^='View Photograph of the scar']");
		WebElement shown = browser.find("#record-image");
		assertThat(shown.getAttribute("src")).startsWith("blob:");
		browser.await(driver -> (Boolean) ((JavascriptExecutor) driver).executeScript("return arguments[0].complete && arguments[0].naturalWidth === 2", shown));
		browser.click("#documents button[aria-label^='View Referral letter']");
		assertThat(browser.find("#record-pdf").getAttribute("src")).startsWith("blob:");

		// a sender's "type" smuggling HTML in is shown as what its media type says, or not at all
		byte[] smuggled = "<h1>Session expired</h1><a href=\"https://phish.example\">sign in</a>".getBytes(StandardCharsets.UTF_8);
		client().create().resource(record(request, "Smuggled page", new Attachment().setContentType("application/pdf,text/html").setData(smuggled))).execute();
		client().create().resource(record(request, "Smuggled PDF", new Attachment().setContentType("application/pdf;,text/html").setData(smuggled))).execute();
		browser.driver.navigate().refresh();
		browser.find("#documents button[aria-label^='Download Smuggled page']");
		assertThat(browser.driver.findElements(By.cssSelector("#documents button[aria-label^='View Smuggled page']"))).isEmpty();
		browser.click("#documents button[aria-label^='View Smuggled PDF']");
		assertThat(browser.find("#record-pdf").getAttribute("data-type")).isEqualTo("application/pdf");
	}

	private static final String MINIMAL_PDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
			+ "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF";

	private static DocumentReference record(ServiceRequest request, String type, Attachment attachment) {
		DocumentReference record = new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
		record.getType().setText(type);
		record.setSubject(request.getSubject());
		record.getContext().addRelated(new Reference("ServiceRequest/" + request.getIdPart()));
		record.addContent().setAttachment(attachment);
		return record;
	}

	private static byte[] png() {
		try {
			java.awt.image.BufferedImage pixels = new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
			java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
			javax.imageio.ImageIO.write(pixels, "png", bytes);
			return bytes.toByteArray();
		} catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	@Test
	void aPatientIsTurnedAwayFromTheWorkspace() {
		browser = Browser.start(1280, 800);
		browser.driver.get(origin() + "/workspace/");
		browser.click("#sign-in");
		browser.find("#username").sendKeys("patient-seg-448213");
		browser.find("#password").sendKeys("dev-patient");
		browser.click("button[type=submit]");
		assertThat(browser.find("main p").getText()).contains("for the centre's experts and coordinators");
		assertThat(browser.driver.findElements(org.openqa.selenium.By.cssSelector("#nav a"))).isEmpty();
	}

	@Test
	void thePagesArePublicFilesUnderAStrictContentSecurityPolicy() {
		java.net.http.HttpResponse<String> bare = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin() + "/workspace")).GET().build());
		assertThat(bare.statusCode()).isEqualTo(302);
		assertThat(bare.headers().firstValue("Location").orElseThrow()).endsWith("/workspace/");

		java.net.http.HttpResponse<String> page = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin() + "/workspace/"))
				.header("Authorization", "Bearer not-a-token").GET().build());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<script type=\"module\" src=\"app.js\">");
		assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
				.contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline");

		// the workspace's chain serves files only; the API behind it still wants a token
		java.net.http.HttpResponse<String> written = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin() + "/workspace/app.js"))
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build());
		assertThat(written.statusCode()).isEqualTo(403);
		// a path through a public folder to the API is one path to the servlet and another to a raw matcher
		for (String escape : List.of("/workspace/../fhir/Patient", "/webjars/../fhir/Patient", "/login/../fhir/Patient",
				"/workspace/%2e%2e/fhir/Patient", "/workspace/..;/fhir/Patient", "/workspace//../fhir/Patient")) {
			java.net.http.HttpResponse<String> api = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(origin() + escape))
					.header("Authorization", "Bearer not-a-token").GET().build());
			assertThat(api.statusCode()).as(escape).isEqualTo(400);
			assertThat(api.body()).as(escape).contains("OperationOutcome", "not valid HTTP");
		}
	}

	/** Sample 02 as a new case, assigned to an expert as it arrives. */
	private ServiceRequest newSarcomaCase() {
		SampleCase sample = new SampleCase("st-elsewhere.example.org");
		assertThat(postBundle(sample.file("02-sarcoma-request.json")).statusCode()).isEqualTo(200);
		return request(sample);
	}

	/** The username of the expert the case was assigned to: the sample users are named by their identifier. */
	private String assignedExpertUsername(Task task) {
		assertThat(businessStatus(task)).isEqualTo("assigned");
		PractitionerRole expert = client().read().resource(PractitionerRole.class).withId(task.getOwner().getReferenceElement().getIdPart()).execute();
		return expert.getIdentifier().stream().filter(identifier -> EXPERTS.equals(identifier.getSystem())).findFirst().orElseThrow().getValue();
	}

	private DiagnosticReport opinionOf(ServiceRequest request) {
		Bundle found = client().search().byUrl("DiagnosticReport?based-on=ServiceRequest/" + request.getIdPart()).returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		return (DiagnosticReport) found.getEntryFirstRep().getResource();
	}

	/** The request asks for a specialty no expert of the directory has (its kind of case), so matching finds nobody. */
	private static String inTriage(String bundle) {
		assertThat(bundle).contains("\"code\": \"musculoskeletal-radiology\"");
		return bundle.replace("\"code\": \"musculoskeletal-radiology\"", "\"code\": \"bone-soft-tissue-tumour\"");
	}
}

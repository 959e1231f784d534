package org.example.secondopinion.workspace;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by Selenium: Debian's {@code chromium} and {@code chromium-driver}
 * (.ci/run installs them), never a browser downloaded at test time.
 */
final class Browser implements AutoCloseable {

	private static final List<String> CHROMIUMS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
	private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
	static final Path SCREENSHOTS = Path.of("target", "failsafe-reports", "screenshots");

	final WebDriver driver;

	private Browser(WebDriver driver) {
		this.driver = driver;
	}

	static Browser start(int width, int height) {
		String chromium = firstExisting(CHROMIUMS, "Chromium (Debian: apt-get install chromium)");
		String chromedriver = firstExisting(DRIVERS, "chromedriver (Debian: apt-get install chromium-driver)");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(chromium);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--window-size=" + width + "," + height, "--lang=en-GB");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver)).build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().window().setSize(new Dimension(width, height));
		return new Browser(driver);
	}

	private static String firstExisting(List<String> paths, String what) {
		return paths.stream().filter(path -> new File(path).canExecute()).findFirst()
				.orElseThrow(() -> new IllegalStateException("The workspace tests need " + what + "; looked in " + paths));
	}

	<T> T await(ExpectedCondition<T> condition) {
		// a page re-rendered while it is looked at (a save reloads the case) is looked at again
		return new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
				.until(condition);
	}

	WebElement find(String css) {
		return await(driver -> {
			List<WebElement> found = driver.findElements(By.cssSelector(css));
			return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
		});
	}

	/**
	 * Clicks an element once it is shown, scrolled to the middle of the window first; at once, since Bootstrap's
	 * smooth scrolling would otherwise still be moving the page when the click lands.
	 */
	void click(String css) {
		WebElement element = find(css);
		((org.openqa.selenium.JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element);
		await(ExpectedConditions.elementToBeClickable(element)).click();
	}

	/** Signs in on the server's login page, as the workspace sends a person there. */
	void signIn(String origin, String username, String password) {
		driver.get(origin + "/workspace/");
		find("#sign-in").click();
		find("#username").sendKeys(username);
		find("#password").sendKeys(password);
		find("button[type=submit]").click();
		find("#signed-in-as");
	}

	/**
	 * A screenshot in the test reports; with {@code -Dworkspace.docs-screenshots=true} also the one the docs
	 * show ({@code docs/images/docsName.png}), so that the pictures in the docs are of the pages as they are.
	 */
	void screenshot(String name, String docsName) {
		try {
			File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
			Files.createDirectories(SCREENSHOTS);
			Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
			if (docsName != null && Boolean.getBoolean("workspace.docs-screenshots")) {
				Path docs = Path.of("docs", "images");
				Files.createDirectories(docs);
				Files.copy(shot.toPath(), docs.resolve(docsName + ".png"), StandardCopyOption.REPLACE_EXISTING);
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Override
	public void close() {
		driver.quit();
	}
}

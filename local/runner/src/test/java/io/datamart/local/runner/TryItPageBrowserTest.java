package io.datamart.local.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datamart.api.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * bin/local-api's try-it page in a real browser (Debian's chromium, driven through its
 * chromedriver): the page loads the API's description, "Authorize" takes the seed token,
 * "Try it out" on create sends the documented example (under a new name) to the local
 * API, the page shows its 200, and the datamart is stored. A screenshot of the answered
 * page is left at target/try-it-page.png.
 */
class TryItPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String SEED_TOKEN = "dbn_live_local_demo_token";

    @RegisterExtension
    static final RunningLocalApi api = RunningLocalApi.server();

    private WebDriver browser;

    @BeforeEach
    void startTheBrowser() {
        assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the try-it page is tested in chromium: apt-get install chromium chromium-driver (.ci/run does)");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,2400");
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterEach
    void stopTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void authorizesWithTheSeedTokenAndCreatesADatamartFromThePage() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(api.url() + "/docs");
        assertTrue(browser.getCurrentUrl().endsWith("/docs/"), browser.getCurrentUrl());

        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.authorize"))).click();
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".auth-container input")));
        token.sendKeys(SEED_TOKEN);
        browser.findElement(By.cssSelector(".auth-btn-wrapper button.authorize")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".auth-btn-wrapper button.btn-done")))
                .click();

        WebElement create = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.id("operations-datamarts-createDatamart")));
        create.findElement(By.cssSelector(".opblock-summary")).click();
        wait.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(create,
                By.cssSelector("button.try-out__btn"))).get(0).click();
        WebElement body = wait.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(create,
                By.cssSelector("textarea.body-param__text"))).get(0);
        ObjectNode example = (ObjectNode) Json.MAPPER.readTree(body.getAttribute("value"));
        String name = "try-it-" + UUID.randomUUID().toString().substring(0, 8);
        example.put("name", name);
        body.clear();
        body.sendKeys(example.toPrettyString());
        create.findElement(By.cssSelector("button.execute")).click();

        Path screenshot = Path.of("target", "try-it-page.png");
        String answered;
        try {
            answered = wait.until(ExpectedConditions.visibilityOfNestedElementsLocatedBy(create,
                    By.cssSelector(".live-responses-table td.response-col_status:not(.col_header)"))).get(0).getText().strip();
        } finally {
            File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
        }
        assertEquals("200", answered, "the page's answer (screenshot: " + screenshot.toAbsolutePath() + ")");

        HttpResponse<String> stored = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(api.url() + "/api/v2/data-app/datamarts/" + name))
                .header("Authorization", "Bearer " + SEED_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stored.statusCode(), stored.body());
        JsonNode datamart = Json.MAPPER.readTree(stored.body()).path("data");
        assertEquals(name, datamart.path("name").asText());
        assertEquals(example.path("datasourceName").asText(), datamart.path("datasourceName").asText());
    }
}

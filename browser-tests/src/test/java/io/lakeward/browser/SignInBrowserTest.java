package io.lakeward.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lakeward.common.config.ConfigSource;
import io.lakeward.infra.keycloak.RealmProvisioner;
import io.lakeward.infra.keycloak.RealmSecrets;
import io.lakeward.launcher.EmbeddedPlatform;
import io.lakeward.launcher.PlatformConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person signs in to a workspace in headless Chromium (Debian's, driven by Debian's ChromeDriver):
 * the workspace page, Keycloak's login form, back to the workspace signed in, then signed out
 * again through Keycloak. The signed-in page is saved as a screenshot.
 */
class SignInBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static PlatformConfig config;
    private static EmbeddedPlatform platform;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        DebianChromium chromium = DebianChromium.provide();
        // Selenium must use Debian's driver and never download one
        System.setProperty("webdriver.chrome.driver", chromium.driver().toString());
        Path state = Path.of("target", "platform-state-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
        config = PlatformConfig.load(ConfigSource.ofMap(settings(state)));
        platform = EmbeddedPlatform.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.browser().toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                // tests only: the platform's development CA is not in this throw-away profile
                "--ignore-certificate-errors",
                "--window-size=1280,900", "--user-data-dir=" + Files.createTempDirectory(state, "chromium-profile"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(chromium.driver().toFile()).build(), options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (platform != null) {
            platform.close();
        }
    }

    private static String origin(String tenant) {
        return "https://" + tenant + "." + config.baseDomain() + ":" + config.gateway().port();
    }

    @Test
    void aPersonSignsInSeesWhoTheyAreAndSignsOut() throws Exception {
        String password = RealmSecrets.read(RealmProvisioner.secretsFile(config.state().secrets(), "acme")).userPasswords().get("admin").reveal();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get(origin("acme") + "/");
        browser.findElement(By.id("sign-in")).click();

        waitFor(wait, By.id("username"), "keycloak-login");
        assertTrue(browser.getCurrentUrl().startsWith("https://" + config.identityProviderHost() + ":" + config.keycloakPort() + "/realms/acme/"),
                browser.getCurrentUrl());
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("kc-login")).click();

        waitFor(wait, By.id("signed-in"), "signed-in");
        assertEquals(origin("acme") + "/", browser.getCurrentUrl());
        assertTrue(browser.findElement(By.id("signed-in")).getText().contains("Signed in as admin"),
                browser.findElement(By.id("signed-in")).getText());
        Cookie session = browser.manage().getCookieNamed("__Host-lakeward-session");
        assertNotNull(session, "the session cookie is set");
        assertTrue(session.isSecure() && session.isHttpOnly(), "Secure and HttpOnly");
        assertEquals("Lax", session.getSameSite());
        assertTrue(session.getDomain() == null || !session.getDomain().startsWith("."), "a host-only cookie: " + session.getDomain());
        saveScreenshot("signed-in.png");

        browser.findElement(By.id("sign-out")).click();
        waitFor(wait, By.id("sign-in"), "signed-out");
        assertEquals(origin("acme") + "/", browser.getCurrentUrl());
        assertNull(browser.manage().getCookieNamed("__Host-lakeward-session"), "signed out: no session cookie");
        saveScreenshot("signed-out.png");

        // Keycloak's session ended too: signing in again asks for the password
        browser.findElement(By.id("sign-in")).click();
        waitFor(wait, By.id("password"), "login-again");
    }

    /** Waits for {@code element}; on a timeout keeps a screenshot and the page's URL and text for the report. */
    private static void waitFor(WebDriverWait wait, By element, String step) throws IOException {
        try {
            wait.until(ExpectedConditions.visibilityOfElementLocated(element));
        } catch (org.openqa.selenium.TimeoutException e) {
            saveScreenshot("failed-" + step + ".png");
            throw new AssertionError("step " + step + ": " + element + " did not appear at " + browser.getCurrentUrl() + "; page: "
                    + browser.findElement(By.tagName("body")).getText(), e);
        }
    }

    private static void saveScreenshot(String name) throws IOException {
        Path directory = Path.of(System.getProperty("lakeward.screenshots", "target/screenshots"));
        Files.createDirectories(directory);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, String> settings(Path state) {
        Map<String, String> settings = new HashMap<>();
        settings.put("platform.state-dir", state.toString());
        settings.put("platform.start-timeout", "4m");
        settings.put("keycloak.port", Integer.toString(freePort()));
        settings.put("keycloak.management-port", Integer.toString(freePort()));
        settings.put("gateway.port", Integer.toString(freePort()));
        settings.put("gateway.management-port", "0");
        settings.put("workspace.port", "0");
        settings.put("compute.port", "0");
        settings.put("audit.port", "0");
        return settings;
    }

    /** Named before it is bound (the realm's redirect URIs need it): outside the ephemeral range, see FreePorts. */
    private static int freePort() {
        return io.lakeward.testing.FreePorts.reserve();
    }
}

package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium driven over WebDriver: Debian's {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver} (or {@code CAIRN_CHROMIUM} / {@code CAIRN_CHROMEDRIVER}), given by
 * path so that Selenium Manager never looks on the network. Where either is missing the test is
 * skipped with the reason, or fails with {@code CAIRN_BROWSER_REQUIRED=true} (or
 * {@code -Dcairn.browser.required=true}), as {@code .ci/run} sets.
 */
final class Browser implements AutoCloseable {
    static final Path SHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private Browser(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /** Starts the browser, or skips (fails when required) if it is not installed. */
    static Browser start() {
        Optional<Path> chromium = binary("cairn.chromium", "CAIRN_CHROMIUM", "/usr/bin/chromium");
        Optional<Path> chromedriver = binary("cairn.chromedriver", "CAIRN_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (chromium.isEmpty() || chromedriver.isEmpty()) {
            String why = "No headless browser: " + (chromium.isEmpty() ? "chromium" : "chromedriver")
                    + " is not installed (Debian: apt-get install chromium chromium-driver, as .ci/run does;"
                    + " or set CAIRN_CHROMIUM and CAIRN_CHROMEDRIVER)";
            if (required()) {
                throw new AssertionError(why + ", and CAIRN_BROWSER_REQUIRED=true");
            }
            Assumptions.abort(why);
        }
        System.setProperty("webdriver.chrome.driver", chromedriver.get().toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                "--disable-backgrounding-occluded-windows", "--lang=en-US");
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            return new Browser(service, driver);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Waits up to 20 s for the condition. */
    static void waitFor(String what, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("Timed out waiting for " + what, last);
    }

    /**
     * Saves a screenshot as {@code target/screenshots/NAME.png} and checks it shows a page: many
     * distinct colours, not a blank or one-colour image.
     *
     * @return the file
     */
    Path screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(SHOTS);
            Path file = SHOTS.resolve(name + ".png");
            Files.write(file, png);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertTrue(image.getWidth() > 300 && image.getHeight() > 300, name + ": " + image.getWidth() + "x"
                    + image.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < image.getHeight(); y += 2) {
                for (int x = 0; x < image.getWidth(); x += 2) {
                    colours.add(image.getRGB(x, y) & 0xffffff);
                }
            }
            assertTrue(colours.size() >= 40, name + " looks blank: " + colours.size() + " colours");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }

    private static boolean required() {
        return "true".equalsIgnoreCase(setting("cairn.browser.required", "CAIRN_BROWSER_REQUIRED"));
    }

    private static Optional<Path> binary(String property, String variable, String fallback) {
        String configured = setting(property, variable);
        Path p = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
        return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(variable);
    }
}

package dev.cairn.persistence.example.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.persistence.NewNode;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.example.AgentService;
import dev.cairn.persistence.example.ServiceConfig;
import dev.cairn.persistence.example.agent.Payloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page at {@code /} in a real headless Chromium against the service on a free port
 * ({@code sqlite:} in a temporary directory, the built-in model): one browser for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PageBrowserTest {
    @TempDir
    static Path dir;
    private static AgentService service;
    private static Api api;
    private static Browser browser;
    private static ChromeDriver driver;

    private static String missing;

    @BeforeAll
    static void start() {
        try {
            browser = Browser.start();
        } catch (TestAbortedException e) {
            missing = e.getMessage(); // each test is reported skipped with the reason
            return;
        }
        driver = browser.driver();
        service = startService(0);
        api = new Api(service.uri());
    }

    @BeforeEach
    void needsTheBrowser() {
        Assumptions.assumeTrue(missing == null, missing);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private static AgentService startService(int port) {
        return AgentService.start(ServiceConfig.parse("--store", "sqlite:" + dir.resolve("store"), "--port",
                String.valueOf(port)), Map.of());
    }

    /** Loads the page afresh (not only a new hash) with the query and the chat. */
    private static void open(String query, String chatId) {
        driver.get("about:blank");
        driver.get(service.uri() + "/" + query + (chatId == null ? "" : "#chat=" + chatId));
        Browser.waitFor("the page to start", () -> "true".equals(driver.findElement(By.tagName("body"))
                .getDomAttribute("data-ready")));
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static List<WebElement> messages() {
        return driver.findElements(By.cssSelector("#messages > li"));
    }

    private static List<String> messageTexts() {
        List<String> out = new ArrayList<>();
        for (WebElement m : messages()) {
            out.add(m.getText());
        }
        return out;
    }

    private static int treeNodes() {
        return driver.findElements(By.cssSelector("#tree button.node")).size();
    }

    private static WebElement treeNode(String nodeId) {
        return driver.findElement(By.cssSelector("#tree button.node[data-node='" + nodeId + "']"));
    }

    private static void say(String text) {
        int before = api.transcript(currentChat(), "full").path("nodes").size();
        WebElement box = driver.findElement(By.id("message"));
        box.sendKeys(text);
        driver.findElement(By.id("send")).click();
        Browser.waitFor("the turn of '" + text + "' to be shown", () -> {
            int now = api.transcript(currentChat(), "full").path("nodes").size();
            return now > before && treeNodes() == now && driver.findElement(By.id("send")).isEnabled();
        });
    }

    private static String currentChat() {
        String hash = (String) js("return location.hash");
        return hash.substring("#chat=".length());
    }

    private static String notice() {
        WebElement n = driver.findElement(By.id("notice"));
        return n.isDisplayed() ? n.getDomAttribute("data-kind") + ": " + n.getText() : "";
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aConversationStreamsItsNodesAndShowsMarkupAsText() {
        open("", null);
        driver.findElement(By.id("new-title")).sendKeys("groceries");
        driver.findElement(By.id("new-owner")).sendKeys("alice");
        driver.findElement(By.cssSelector("#new-chat button")).click();
        Browser.waitFor("the new chat to open", () -> driver.findElement(By.id("composer")).isDisplayed());
        String chat = currentChat();
        assertEquals("groceries", driver.findElement(By.id("chat-title")).getText());

        // each node is added to the conversation as its event arrives, before the turn's refresh
        js("window.__added = []; new MutationObserver(rs => rs.forEach(r => r.addedNodes.forEach(n =>"
                + " window.__added.push(n.dataset ? n.dataset.node : null)))).observe("
                + "document.getElementById('messages'), {childList: true});");
        say("what is 12*(3+4)?");
        @SuppressWarnings("unchecked")
        List<Object> added = (List<Object>) js("return window.__added");
        JsonNode active = api.transcript(chat, "active").path("nodes");
        List<Object> ids = new ArrayList<>();
        active.forEach(n -> ids.add(n.path("id").asText()));
        assertEquals(ids, added.subList(0, ids.size()), "one node at a time, in commit order, from the stream");
        assertTrue(messageTexts().get(messageTexts().size() - 1).contains("12*(3+4) = 84."), messageTexts().toString());
        // a tool call and its result are expandable
        WebElement call = driver.findElement(By.cssSelector("#messages li.tool_call details"));
        assertFalse(call.findElement(By.tagName("pre")).isDisplayed());
        call.findElement(By.tagName("summary")).click();
        assertTrue(call.findElement(By.tagName("pre")).getText().contains("12*(3+4)"));

        // markup in a message is text and runs nothing
        String attack = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
        say(attack);
        List<WebElement> users = driver.findElements(By.cssSelector("#messages li.user_input .text"));
        assertEquals(attack, users.get(users.size() - 1).getText());
        assertNull(js("return window.__xss === undefined ? null : window.__xss"));
        assertTrue(driver.findElements(By.cssSelector("#messages img, #tree img, #messages script")).isEmpty());
        assertTrue(driver.findElement(By.id("tree")).getText().contains("You: <img src=x"));

        // usage: the chart has a bar per turn, the table totals by model
        Browser.waitFor("two bars", () -> driver.findElements(By.cssSelector("#usage rect.bar")).size() == 2);
        assertTrue(driver.findElement(By.cssSelector("#usage table")).getText().contains("cairn-builtin-1"));
        assertTrue(driver.findElement(By.cssSelector("#chat-list li.current")).getText().contains("2 turns"));
        browser.screenshot("conversation");

        // keyboard: Tab reaches the chat list, the composer and the tree's nodes
        driver.findElement(By.id("home")).sendKeys(Keys.TAB); // start from the first link
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            WebElement f = driver.switchTo().activeElement();
            reached.add(f.getTagName() + (f.getDomAttribute("data-node") != null ? ".node" : "")
                    + (f.getDomAttribute("data-chat") != null ? ".chat" : "") + "#" + f.getDomAttribute("id"));
            f.sendKeys(Keys.TAB);
        }
        assertTrue(reached.contains("a.chat#null"), reached.toString());
        assertTrue(reached.contains("button#send"), reached.toString());
        assertTrue(reached.contains("button.node#null"), reached.toString());

        // 360 px wide: one column, nothing wider than the window
        driver.manage().window().setSize(new Dimension(360, 900));
        try {
            Browser.waitFor("the narrow layout", () -> ((Number) js("return document.documentElement.clientWidth"))
                    .intValue() <= 360);
            long overflow = ((Number) js("return document.documentElement.scrollWidth"
                    + " - document.documentElement.clientWidth")).longValue();
            assertEquals(0, overflow, "the page scrolls sideways at 360 px");
            for (String id : List.of("message", "send", "new-title", "tree", "chat-title")) {
                WebElement e = driver.findElement(By.id(id));
                assertTrue(e.getRect().getX() >= 0 && e.getRect().getX() + e.getRect().getWidth() <= 360,
                        id + " is outside the window: " + e.getRect());
            }
            browser.screenshot("narrow-360");
        } finally {
            driver.manage().window().setSize(new Dimension(1400, 1000));
        }
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void rewindAndForkFromTheTreeSurviveAReloadAndARestart() {
        String chat = api.createChat("branches", "bob");
        JsonNode first = api.say(chat, "note alpha");
        api.say(chat, "note beta");
        String firstEnd = first.path("nodes").path(first.path("nodes").size() - 1).path("id").asText();
        open("", chat);
        Browser.waitFor("10 messages", () -> messages().size() == 10);

        treeNode(firstEnd).click();
        assertTrue(driver.findElement(By.id("node-actions")).isDisplayed());
        driver.findElement(By.id("rewind")).click();
        Browser.waitFor("the rewind", () -> messages().size() == 5);
        assertEquals(firstEnd, api.get("/api/chats/" + chat).json().path("head").asText());
        assertEquals(10, treeNodes(), "the left branch stays in the tree");
        assertEquals(5, driver.findElements(By.cssSelector("#tree button.node.off-path")).size());
        assertTrue(treeNode(firstEnd).getText().contains("head"));
        say("note gamma");
        assertTrue(messageTexts().get(messageTexts().size() - 1).contains("#1 alpha; #2 gamma"), messageTexts().toString());

        // fork at the first turn's end: the page opens the new chat, labelled with its source
        treeNode(firstEnd).click();
        driver.findElement(By.id("fork")).click();
        Browser.waitFor("the fork to open", () -> !currentChat().equals(chat) && messages().size() == 5);
        String fork = currentChat();
        JsonNode info = api.get("/api/chats/" + fork).json();
        assertEquals(chat, info.path("forkedFrom").asText());
        assertEquals(firstEnd, info.path("forkedAt").asText());
        assertTrue(driver.findElement(By.id("chat-meta")).getText().contains("forked from branches"));
        assertTrue(treeNode(firstEnd).getText().contains("forked from branches"), treeNode(firstEnd).getText());
        say("show my notes");
        assertTrue(messageTexts().get(messageTexts().size() - 1).contains("#1 alpha."), messageTexts().toString());
        List<String> before = messageTexts();
        browser.screenshot("fork");

        driver.navigate().refresh();
        Browser.waitFor("the same chat after a reload", () -> messageTexts().equals(before) && treeNodes() == 10);
        assertEquals(fork, currentChat());

        // a restart of the service: the page, reloaded, shows every chat as it was
        int port = service.uri().getPort();
        service.close();
        service = startService(port);
        driver.navigate().refresh();
        Browser.waitFor("the same chat after a restart", () -> messageTexts().equals(before));
        open("", chat);
        Browser.waitFor("the source chat after a restart", () -> treeNodes() == 15 && messages().size() == 10);
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void twoTabsSeeEachOthersTurnsAndAConflictIsShown() {
        String chat = api.createChat("shared", "carol");
        api.say(chat, "note one");
        open("?poll=300", chat);
        String tabA = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String tabB = driver.getWindowHandle();
        try {
            open("?poll=300", chat);
            Browser.waitFor("tab B shows the chat", () -> messages().size() == 5);
            say("note two");
            driver.switchTo().window(tabA);
            Browser.waitFor("tab A sees tab B's turn", () -> messages().size() == 10 && treeNodes() == 10);
            assertTrue(messageTexts().get(9).contains("#2 two"), messageTexts().toString());
            browser.screenshot("two-tabs");

            // tab A stops polling; tab B moves the head; tab A's rewind is refused and says so
            open("?poll=0", chat);
            Browser.waitFor("tab A without polling", () -> treeNodes() == 10);
            String target = driver.findElements(By.cssSelector("#tree button.node")).get(0).getDomAttribute("data-node");
            driver.switchTo().window(tabB);
            say("note three");
            String headAfterB = api.get("/api/chats/" + chat).json().path("head").asText();
            driver.switchTo().window(tabA);
            treeNode(target).click();
            driver.findElement(By.id("rewind")).click();
            Browser.waitFor("the conflict notice", () -> notice().startsWith("conflict: Conflict: another tab"));
            assertEquals(headAfterB, api.get("/api/chats/" + chat).json().path("head").asText(), "nothing rewound");
            Browser.waitFor("tab A shows the chat as stored", () -> treeNodes() == 15);
            browser.screenshot("conflict");
        } finally {
            driver.switchTo().window(tabB).close();
            driver.switchTo().window(tabA);
        }
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void aTwoThousandNodeTreeRendersUnderASecond() throws Exception {
        String chat = api.createChat("long", "dave");
        try (SessionStoreFactory factory = SessionStores.open("sqlite:" + dir.resolve("store"));
             RuntimePersistence store = factory.openExisting(chat).orElseThrow()) {
            long revision = 0;
            Optional<String> parent = Optional.empty();
            List<String> mainPath = new ArrayList<>();
            int made = 0;
            // 1,600 nodes on one path, then 4 branches of 100 from points along it
            while (made < 1600) {
                RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
                for (int i = 0; i < 100; i += 2, made += 2) {
                    String turn = "t" + made;
                    b.append(NewNode.of(turn + "-u", parent, NodeKind.USER_INPUT,
                            Payloads.encode(new Payloads.UserInput(turn, "message " + made))));
                    b.append(NewNode.of(turn + "-a1", Optional.of(turn + "-u"), NodeKind.ASSISTANT_RESPONSE,
                            Payloads.encode(new Payloads.AssistantResponse(turn, 1, "reply " + made, List.of(),
                                    "cairn-builtin-1", TokenUsage.of(3, 2)))));
                    parent = Optional.of(turn + "-a1");
                    mainPath.add(turn + "-a1");
                }
                revision = store.commitRuntimeState(b.head(parent.get()).build()).revision();
            }
            String mainHead = parent.get();
            for (int branch = 0; branch < 4; branch++) {
                Optional<String> p = Optional.of(mainPath.get(100 + branch * 150));
                RuntimeCommit.Builder b = RuntimeCommit.expecting(revision);
                for (int i = 0; i < 100; i += 2) {
                    String turn = "b" + branch + "x" + i;
                    b.append(NewNode.of(turn + "-u", p, NodeKind.USER_INPUT,
                            Payloads.encode(new Payloads.UserInput(turn, "other " + i))));
                    b.append(NewNode.of(turn + "-a1", Optional.of(turn + "-u"), NodeKind.ASSISTANT_RESPONSE,
                            Payloads.encode(new Payloads.AssistantResponse(turn, 1, "other reply " + i, List.of(),
                                    "cairn-builtin-1", TokenUsage.of(3, 2)))));
                    p = Optional.of(turn + "-a1");
                }
                revision = store.commitRuntimeState(b.head(mainHead).build()).revision();
            }
        }
        long t0 = System.nanoTime();
        open("?poll=0", chat);
        Browser.waitFor("2,000 nodes in the tree", () -> "2000".equals(driver.findElement(By.id("tree"))
                .getDomAttribute("data-nodes")));
        double pageMs = (System.nanoTime() - t0) / 1e6;
        double renderMs = Double.parseDouble(driver.findElement(By.id("tree")).getDomAttribute("data-render-ms"));
        System.out.printf("PageBrowserTest: the 2,000-node tree rendered in %.1f ms (layout included);"
                + " load to tree shown %.0f ms%n", renderMs, pageMs);
        assertTrue(renderMs < 1000, "rendering took " + renderMs + " ms");
        assertEquals(2000, treeNodes());
        assertEquals(400, driver.findElements(By.cssSelector("#tree button.node.off-path")).size());
        assertEquals(1600, messages().size());
        Path shot = browser.screenshot("large-tree");
        assertTrue(Files.size(shot) > 0);
        assertNotEquals("", driver.findElement(By.id("tree-info")).getText());
    }

}

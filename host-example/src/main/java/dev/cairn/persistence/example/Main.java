package dev.cairn.persistence.example;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the service until Ctrl-C or SIGTERM: {@code ./mvnw -q -Prun -pl host-example -am compile}. A
 * start that fails prints one line and exits with {@value #EXIT_NOT_STARTED}.
 */
public final class Main {
    /** The exit status when the service could not start (bad store, port in use); the run profile expects it. */
    static final int EXIT_NOT_STARTED = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    private static String reason(RuntimeException e, ServiceConfig config) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException || t.getClass().getSimpleName().equals("JavalinBindException")) {
                return "port " + config.port() + " on " + config.host() + " is already in use; stop what uses it"
                        + " or pick another with --port N (0 picks a free one)";
            }
        }
        return e.getMessage() + (e.getCause() != null && e.getCause().getMessage() != null
                && !e.getMessage().contains(e.getCause().getMessage()) ? " (" + e.getCause().getMessage() + ")" : "");
    }

    /**
     * @param args see {@link ServiceConfig#USAGE}
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        ServiceConfig config;
        try {
            if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
                out.println(ServiceConfig.USAGE);
                return;
            }
            config = ServiceConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(ServiceConfig.USAGE);
            System.exit(2);
            return;
        }
        AgentService service;
        try {
            service = AgentService.start(config, System.getenv());
        } catch (RuntimeException e) {
            // e.g. an unknown store scheme (the message lists the installed ones) or a port in use: one line
            System.err.println("Could not start: " + reason(e, config));
            System.exit(EXIT_NOT_STARTED);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping the service on {}", service.uri());
            service.close();
            LOG.info("Stopped");
            stopped.countDown();
        }, "shutdown"));
        if (config.exitWithParent()) {
            // Run by Maven (exec:exec): a SIGTERM to the Maven process alone, as an IDE or a supervisor
            // sends it, ends Maven but not its child; so the service ends when its parent does.
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                LOG.info("The parent process {} ended", parent.pid());
                System.exit(0);
            }));
        }
        String url = service.uri().toString();
        out.println();
        out.println("Cairn example agent service: " + url);
        out.println("  store " + service.store() + ", chats table " + service.chatsTable() + ", model "
                + service.modelName());
        out.println("Open " + url + "/ in a browser, or try:");
        out.println("  curl -s -X POST " + url + "/api/chats -H 'Content-Type: application/json' -d '{\"title\":\"demo\"}'");
        out.println("  curl -s -X POST " + url + "/api/chats/CHAT_ID/messages -H 'Content-Type: application/json'"
                + " -d '{\"text\":\"what is 12*(3+4)?\"}'");
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.cairn.persistence.example;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the service until Ctrl-C:
 * {@code ./mvnw -q -pl host-example -am -Dexec.skip compile exec:java -Dexec.args="--port 8080"}.
 */
public final class Main {
    private Main() {
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
            // e.g. an unknown store scheme (the message lists the installed ones) or a port in use
            System.err.println("Could not start: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : ""));
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "shutdown"));
        String url = service.uri().toString();
        out.println();
        out.println("Cairn example agent service: " + url);
        out.println("  store " + service.store() + ", chats table " + service.chatsTable() + ", model "
                + service.modelName());
        out.println("Try:");
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

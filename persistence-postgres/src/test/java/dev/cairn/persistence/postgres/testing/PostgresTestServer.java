package dev.cairn.persistence.postgres.testing;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests, one per JVM, started on first use by {@link #get()} and
 * shared by all tests after that.
 *
 * <p>Where the server comes from, in this order:
 * <ol>
 *   <li>an existing server named by system property {@code cairn.pg.url} or environment variable
 *       {@code CAIRN_PG_URL}, as {@code postgres://user:password@host:port/database} (the password
 *       may be left out); nothing is started then;</li>
 *   <li>the io.zonky PostgreSQL binaries on the test classpath (a Maven Central dependency of this
 *       module on Linux amd64/arm64), extracted once per machine under {@code java.io.tmpdir};</li>
 *   <li>an installed PostgreSQL ({@code pg_config --bindir}, {@code /usr/lib/postgresql/<v>/bin},
 *       or {@code initdb} on {@code PATH}).</li>
 * </ol>
 * A started server gets a fresh data directory, a superuser {@value #ADMIN_USER} with a random
 * password (authentication is real: scram-sha-256, also on 127.0.0.1), a database
 * {@value #TEST_DATABASE}, and listens on 127.0.0.1 on a free port. When the JVM runs as root, the
 * server runs as user {@code nobody}. A shutdown hook stops it and deletes its data directory; where
 * {@code setpriv} exists, the kernel also kills it if the JVM is killed. Its output goes to
 * {@code target/postgres-test-server.log}.
 *
 * <p>If no server can be had, {@link #get()} throws {@link TestAbortedException} (the test is
 * reported as skipped) with the reason and the fix; with system property
 * {@code cairn.pg.required=true} or environment variable {@code CAIRN_PG_REQUIRED=true} it throws
 * {@link AssertionError} instead, for builds that must not skip.
 */
public final class PostgresTestServer {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresTestServer.class);
    private static final String ADMIN_USER = LocalServer.ADMIN;
    private static final String TEST_DATABASE = "cairn_test";
    private static final String HOW_TO_FIX = "set CAIRN_PG_URL=postgres://user:pass@host:port/db"
            + " (or -Dcairn.pg.url=...) to run them against your own server";
    private static final Pattern SCHEMA_PREFIX = Pattern.compile("[a-z_][a-z0-9_]*");
    /** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
    private static final int MAX_IDENTIFIER = 63;

    /**
     * Starts the server and lives as long as the JVM. The kernel's parent-death signal follows the
     * thread that started a process, not the JVM, so a test thread that ends (a JUnit or ForkJoin
     * worker) must not be the one that starts postgres.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cairn-postgres-launcher");
        thread.setDaemon(true);
        return thread;
    });
    private static final Object LOCK = new Object();
    private static CompletableFuture<PostgresTestServer> instance; // guarded by LOCK

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final String jdbcParameters;
    private final boolean external;
    private final String description;
    private final AtomicInteger schemas = new AtomicInteger();
    private final Optional<LocalServer> local;

    private PostgresTestServer(String host, int port, String database, String user, String password,
            String jdbcParameters, boolean external, String description, Optional<LocalServer> local) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.jdbcParameters = jdbcParameters;
        this.external = external;
        this.description = description;
        this.local = local;
    }

    /**
     * The server of this JVM, started by the first call; later calls return the same instance, or
     * fail the same way without trying again. Safe to call from any thread.
     *
     * @throws TestAbortedException when no server can be had: the test is skipped, with the reason
     * @throws AssertionError instead, when {@code cairn.pg.required} / {@code CAIRN_PG_REQUIRED} is true
     */
    public static PostgresTestServer get() {
        CompletableFuture<PostgresTestServer> server;
        synchronized (LOCK) {
            if (instance == null) {
                instance = CompletableFuture.supplyAsync(PostgresTestServer::obtainOrReport, LAUNCHER);
            }
            server = instance;
        }
        try {
            return server.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String reason = cause instanceof ServerUnavailable
                    ? cause.getMessage()
                    : "starting the server failed unexpectedly: " + cause;
            String message = "PostgreSQL tests skipped: " + reason + "; " + HOW_TO_FIX;
            if (required()) {
                throw new AssertionError(message.replaceFirst("skipped", "cannot run")
                        + " (cairn.pg.required is set, so this fails instead of skipping)", cause);
            }
            throw new TestAbortedException(message, cause);
        }
    }

    /** The host to connect to. */
    public String host() {
        return host;
    }

    /** The port to connect to. */
    public int port() {
        return port;
    }

    /** The database for tests: {@value #TEST_DATABASE}, or the one named in {@code CAIRN_PG_URL}. */
    public String database() {
        return database;
    }

    /** A user that may create roles, schemas and databases: {@value #ADMIN_USER}, or the URL's. */
    public String adminUser() {
        return user;
    }

    /** That user's password; empty when an external server's URL has none. */
    public String adminPassword() {
        return password;
    }

    /** A JDBC URL for {@code database} on this server, without credentials. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database
                + (jdbcParameters.isEmpty() ? "" : "?" + jdbcParameters);
    }

    /**
     * A provider location for {@code database} with the admin credentials:
     * {@code postgres://user:password@host:port/database}, then {@code ?query} unless
     * {@code query} is null or empty (e.g. {@code "schema=" + freshSchema("t")}).
     */
    public String location(String database, String query) {
        String credentials = encode(user) + (password.isEmpty() ? "" : ":" + encode(password));
        return "postgres://" + credentials + "@" + hostForUrl() + ":" + port + "/" + database
                + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** A new connection as {@link #adminUser()} to {@link #database()}; the caller closes it. */
    public Connection adminConnection() {
        try {
            return DriverManager.getConnection(jdbcUrl(database), user, password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A schema name no other call in this JVM returns and that is very unlikely to exist on a shared
     * server: {@code prefix_<counter>_<random>}, lower case. The schema is not created.
     *
     * @param prefix lower-case letters, digits and underscores, starting with a letter or underscore
     */
    public String freshSchema(String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        if (!SCHEMA_PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("schema prefix must be letters, digits and underscores: " + prefix);
        }
        String suffix = "_" + schemas.incrementAndGet() + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        return p.substring(0, Math.min(p.length(), MAX_IDENTIFIER - suffix.length())) + suffix;
    }

    /**
     * Stops every process of the server (SIGSTOP), as a server that hangs would, runs the work, and
     * resumes them (SIGCONT) whatever the work does. Only for a server this JVM started.
     *
     * @param work what to do while the server does not answer
     * @throws IllegalStateException for an external server
     */
    public void whileFrozen(Runnable work) {
        LocalServer server = local.orElseThrow(() -> new IllegalStateException(
                "cannot freeze the " + description + ": only a server this JVM started can be signalled"));
        server.signalAll("STOP");
        try {
            work.run();
        } finally {
            server.signalAll("CONT");
        }
    }

    /** Whether this is a server named by {@code CAIRN_PG_URL} rather than one this JVM started. */
    public boolean external() {
        return external;
    }

    /** Which server this is and where it came from, for logs; never contains the password. */
    public String describe() {
        return description;
    }

    @Override
    public String toString() {
        return describe();
    }

    // ---- starting ----------------------------------------------------------------------------

    private static PostgresTestServer obtainOrReport() {
        try {
            return obtain();
        } catch (RuntimeException e) {
            // once, where a quiet build shows it; each test then reports the reason again
            LOG.warn("No PostgreSQL test server: {}", e.getMessage());
            throw e;
        }
    }

    @SuppressWarnings("try") // the probe connection is opened only to be closed
    private static PostgresTestServer obtain() {
        String url = setting("cairn.pg.url", "CAIRN_PG_URL");
        if (url != null && !url.isBlank()) {
            PostgresTestServer server = external(url.strip());
            try (Connection probe = DriverManager.getConnection(server.jdbcUrl(server.database), server.user,
                    server.password)) {
                LOG.info("PostgreSQL test server: {}", server.describe());
            } catch (SQLException e) {
                throw new ServerUnavailable("cannot connect to the " + server.describe() + ": " + e.getMessage(), e);
            }
            return server;
        }
        Instant started = Instant.now();
        ServerBinaries binaries = ServerBinaries.locate();
        RunAs runAs = RunAs.detect();
        LocalServer local = LocalServer.start(binaries, runAs);
        Runtime.getRuntime().addShutdownHook(new Thread(local::stop, "cairn-postgres-shutdown"));
        String version;
        Instant creating = Instant.now();
        try (Connection connection = local.connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + TEST_DATABASE + " OWNER " + ADMIN_USER);
            try (ResultSet rs = statement.executeQuery("SHOW server_version")) {
                rs.next();
                version = rs.getString(1).split(" ")[0];
            }
            LOG.debug("Creating database {} took {} ms", TEST_DATABASE, Duration.between(creating, Instant.now()).toMillis());
        } catch (SQLException e) {
            local.stop();
            throw new ServerUnavailable("the server started, but creating database " + TEST_DATABASE
                    + " failed: " + e.getMessage() + " (see " + local.log() + ")", e);
        }
        String description = "PostgreSQL " + version + " from " + binaries.origin() + " as user " + runAs.user()
                + " on " + LocalServer.HOST + ":" + local.port()
                + (runAs.diesWithJvm() ? "" : " (may outlive a killed JVM: no setpriv)");
        LOG.info("PostgreSQL test server: {}, started in {} ms; data {}, log {}", description,
                Duration.between(started, Instant.now()).toMillis(), local.dataDirectory(), local.log());
        if (!runAs.diesWithJvm()) {
            LOG.warn("setpriv (util-linux) is not available: if this JVM is killed, the PostgreSQL server"
                    + " (data {}) keeps running", local.dataDirectory());
        }
        return new PostgresTestServer(LocalServer.HOST, local.port(), TEST_DATABASE, ADMIN_USER,
                local.password(), "", false, description, Optional.of(local));
    }

    /** A server named by a {@code postgres://user:password@host:port/database} URL. */
    static PostgresTestServer external(String url) {
        String shown = url.replaceFirst("(//[^:/@]*:)[^@/]*@", "$1***@");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ServerUnavailable("CAIRN_PG_URL " + shown + " is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (!("postgres".equals(scheme) || "postgresql".equals(scheme)) || uri.getHost() == null
                || uri.getRawUserInfo() == null || path.isEmpty() || path.contains("/")) {
            throw new ServerUnavailable("CAIRN_PG_URL " + shown
                    + " does not have the form postgres://user:password@host:port/database");
        }
        String rawUserInfo = uri.getRawUserInfo();
        int colon = rawUserInfo.indexOf(':');
        String user = decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(rawUserInfo.substring(colon + 1));
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String database = decode(path);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        String parameters = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        return new PostgresTestServer(host, port, database, user, password, parameters, true,
                "external PostgreSQL server " + host + ":" + port + "/" + database + " as user " + user
                        + " (from CAIRN_PG_URL)", Optional.empty());
    }

    private static boolean required() {
        return "true".equalsIgnoreCase(setting("cairn.pg.required", "CAIRN_PG_REQUIRED"));
    }

    private static String setting(String property, String variable) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(variable);
    }

    private String hostForUrl() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Percent-encodes what may not stand in a URL's user info; plain names and passwords stay as they are. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}

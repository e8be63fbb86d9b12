package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.SessionStores;
import dev.cairn.persistence.StoreLocation;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing of {@code postgres:} locations and options; needs no server. */
class LocationTest {

    private static PostgresLocation parse(String location) {
        return PostgresLocation.parse(StoreLocation.parse(location));
    }

    @Test
    void aFullLocationIsParsed() {
        PostgresLocation l = parse("postgres://app:s%40cret@db.internal:6543/agents?schema=tenant_a&sslmode=require");
        assertEquals("db.internal", l.host());
        assertEquals(6543, l.port());
        assertEquals("agents", l.database());
        assertEquals(Optional.of("app"), l.user());
        assertEquals(Optional.of("s@cret"), l.password());
        assertEquals(Optional.of("require"), l.sslMode());
        assertEquals("jdbc:postgresql://db.internal:6543/agents", l.jdbcUrl());
        assertEquals("postgres://app@db.internal:6543/agents", l.toString());
        assertEquals("s@cret", l.driverProperties(10_000).getProperty("password"));
    }

    @Test
    void userPortAndPasswordAreOptional() {
        PostgresLocation l = parse("postgres://localhost/agents");
        assertEquals(PostgresLocation.DEFAULT_PORT, l.port());
        assertTrue(l.user().isEmpty());
        assertTrue(l.password().isEmpty());
        assertEquals(Optional.of("pw"), parse("postgres://u@h/d?password=pw").password());
    }

    @Test
    void optionsHaveDefaultsAndLimits() {
        PostgresOptions o = PostgresOptions.fromLocation(StoreLocation.parse("postgres://h/d"));
        assertEquals(PostgresOptions.DEFAULTS, o);
        assertEquals(Durability.POWER_LOSS_SAFE, o.durability());
        PostgresOptions p = PostgresOptions.fromLocation(StoreLocation.parse(
                "postgres://h/d?schema=s1&durability=process-crash&readers=2&writers=3&connect-timeout-ms=500"
                        + "&socket-timeout-ms=2500"));
        assertEquals(new PostgresOptions("s1", Durability.PROCESS_CRASH_SAFE, 2, 3, Duration.ofMillis(500), 3,
                Duration.ofMillis(2500)), p);
        assertEquals(Duration.ofSeconds(30), o.socketTimeout());
    }

    @Test
    void badLocationsAreRefusedWithWhatIsExpected() {
        for (String bad : new String[] {"postgres:db", "postgres://host", "postgres:///db", "postgres://h:99999/d",
                "postgres://h:port/d", "postgres://u:pw@h/d?password=x", "postgres://h/d?sslmode=maybe",
                "postgres://h/d?colour=blue", "postgres://h/d?schema=Bad-Name", "postgres://h/d?schema=pg_x",
                "postgres://h/d?readers=0", "postgres://h/d?durability=volatile", "postgres://h/d?socket-timeout-ms=99",
                "postgres://h/d?socket-timeout-ms=3600001", "postgres://h/d?socket-timeout-ms=never"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parseAll(bad), bad);
            assertFalse(e.getMessage().isBlank(), bad);
        }
    }

    @Test
    void passwordsNeverAppearInMessages() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> SessionStores.open("postgres://app:hunter2@h/d?colour=blue"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        InvalidRequestException twice = assertThrows(InvalidRequestException.class,
                () -> parseAll("postgres://u:hunter2@h/d?password=hunter3"));
        assertFalse(twice.getMessage().contains("hunter2") || twice.getMessage().contains("hunter3"), twice.getMessage());
        assertFalse(parse("postgres://u:hunter2@h/d").toString().contains("hunter2"));
    }

    private static void parseAll(String location) {
        StoreLocation l = StoreLocation.parse(location);
        PostgresLocation.parse(l);
        PostgresOptions.fromLocation(l);
    }
}

package dev.cairn.persistence.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.persistence.Durability;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** The declared tier is what the provider's write connections really do. */
class DurabilityOptionTest {

    private static String synchronousCommit(PostgresSessionStoreFactory f) {
        return f.database().write("read a setting", tx -> {
            try (ResultSet rs = tx.connection().createStatement().executeQuery("SHOW synchronous_commit")) {
                rs.next();
                return rs.getString(1);
            }
        });
    }

    @Test
    void powerLossIsTheDefaultAndWaitsForTheWalFlush() {
        try (PostgresSessionStoreFactory f = Pg.open(Pg.freshLocation("dur", ""))) {
            assertEquals(Durability.POWER_LOSS_SAFE, f.durability());
            assertEquals("on", synchronousCommit(f));
        }
    }

    @Test
    void processCrashCommitsWithoutWaitingForTheFlush() {
        try (PostgresSessionStoreFactory f = Pg.open(Pg.freshLocation("dur", "durability=process-crash"))) {
            assertEquals(Durability.PROCESS_CRASH_SAFE, f.durability());
            assertEquals("off", synchronousCommit(f));
        }
    }

    /**
     * SPEC: a server with {@code fsync=off} cannot promise power-loss safety, so the store says so. (The
     * test server's {@code fsync} is fixed on its command line, so the decision is checked directly.)
     */
    @Test
    void aServerWithoutFsyncDowngradesTheDeclaredTier() {
        assertEquals(Durability.PROCESS_CRASH_SAFE, Database.declared(Durability.POWER_LOSS_SAFE, false));
        assertEquals(Durability.PROCESS_CRASH_SAFE, Database.declared(Durability.PROCESS_CRASH_SAFE, false));
        assertEquals(Durability.POWER_LOSS_SAFE, Database.declared(Durability.POWER_LOSS_SAFE, true));
        assertEquals(Durability.PROCESS_CRASH_SAFE, Database.declared(Durability.PROCESS_CRASH_SAFE, true));
    }
}

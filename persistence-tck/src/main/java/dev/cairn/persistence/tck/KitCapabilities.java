package dev.cairn.persistence.tck;

import dev.cairn.persistence.Durability;
import java.util.Objects;

/**
 * What a provider under test supports. Tests of a capability the provider lacks are skipped with
 * a reason (and reported as skipped), never passed silently.
 *
 * @param durability the provider's durability tier; rule 23 (kill -9 in a child JVM) runs only for
 *     {@link Durability#PROCESS_CRASH_SAFE} or more, its power-cut test only for
 *     {@link Durability#POWER_LOSS_SAFE} (with {@link RuntimePersistenceKit#powerCutLocation})
 * @param sharedLocation true if {@link RuntimePersistenceKit#sharedLocation()} names a location that
 *     several factories can open at once; the cross-factory, restart and child-JVM tests need it
 */
public record KitCapabilities(Durability durability, boolean sharedLocation) {

    /** Validates. */
    public KitCapabilities {
        Objects.requireNonNull(durability, "durability");
    }

    /** @return true if the provider promises that commits survive the process being killed */
    public boolean crashSafe() {
        return durability.isAtLeast(Durability.PROCESS_CRASH_SAFE);
    }

    /**
     * @param durability another tier
     * @return a copy with another durability tier
     */
    public KitCapabilities withDurability(Durability durability) {
        return new KitCapabilities(durability, sharedLocation);
    }

    /**
     * @param sharedLocation whether the location can be shared
     * @return a copy that says whether the location can be shared
     */
    public KitCapabilities withSharedLocation(boolean sharedLocation) {
        return new KitCapabilities(durability, sharedLocation);
    }
}

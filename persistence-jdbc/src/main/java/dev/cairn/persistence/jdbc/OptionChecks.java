package dev.cairn.persistence.jdbc;

import dev.cairn.persistence.Durability;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.StoreLocation;
import java.util.Map;

/**
 * The checks the providers and their option records share, with messages that name the value and what is
 * allowed. A location's option values are parsed by {@code StoreLocation} ({@code intOption},
 * {@code choiceOption}); these check the values a host passes to the records by hand.
 */
public final class OptionChecks {
    /** The values of the location option {@code durability}. */
    public static final Map<String, Durability> DURABILITY_NAMES =
            Map.of("process-crash", Durability.PROCESS_CRASH_SAFE, "power-loss", Durability.POWER_LOSS_SAFE);

    private OptionChecks() {
    }

    /**
     * @param location a location given to a provider
     * @param scheme the provider's scheme
     * @throws InvalidRequestException if the location has another scheme
     */
    public static void requireScheme(StoreLocation location, String scheme) {
        if (!scheme.equals(location.scheme())) {
            throw new InvalidRequestException("The " + scheme + " provider serves scheme '" + scheme + "', not '"
                    + location.scheme() + "'");
        }
    }

    /**
     * @param ok whether the value is allowed
     * @param what what the value is, e.g. {@code "read pool size"}
     * @param value the value, as the message shows it
     * @param allowed what is allowed, e.g. {@code "1 to 64"}
     * @throws InvalidRequestException "Invalid WHAT VALUE: allowed is ALLOWED" unless ok
     */
    public static void require(boolean ok, String what, Object value, String allowed) {
        if (!ok) {
            throw new InvalidRequestException("Invalid " + what + " " + value + ": allowed is " + allowed);
        }
    }

    /**
     * @param level a zstd level
     * @param min the fastest level allowed (negative)
     * @param max the strongest level allowed
     * @throws InvalidRequestException if the level is 0 or out of range
     */
    public static void requireCompressionLevel(int level, int min, int max) {
        require(level >= min && level <= max && level != 0, "zstd compression level", level,
                min + " to -1 (fast) or 1 to " + max);
    }

    /**
     * @param scheme the provider's scheme
     * @param durability the tier asked for
     * @param choices the durable tiers, as the message names them
     * @throws InvalidRequestException if the tier is {@link Durability#VOLATILE}
     */
    public static void requireDurable(String scheme, Durability durability, String choices) {
        if (durability == Durability.VOLATILE) {
            throw new InvalidRequestException("The " + scheme + " provider is durable: choose " + choices
                    + ", or use the memory: provider for volatile sessions");
        }
    }
}

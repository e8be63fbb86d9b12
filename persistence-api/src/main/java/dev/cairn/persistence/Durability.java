package dev.cairn.persistence;

/**
 * What a provider promises about commits whose call returned.
 */
public enum Durability {
    /** Lost when the process ends. */
    VOLATILE,
    /** Survives the process being killed; the last commits may be lost on power loss. */
    PROCESS_CRASH_SAFE,
    /** Survives power loss: each commit is on stable storage before the call returns. */
    POWER_LOSS_SAFE;

    /**
     * @param other another tier
     * @return true if this tier promises at least as much as {@code other}
     */
    public boolean isAtLeast(Durability other) {
        return compareTo(other) >= 0;
    }
}

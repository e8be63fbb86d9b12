package dev.cairn.persistence;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A resolved checkpoint: for each slot, the nearest one committed on the active path (SPEC rule 11).
 *
 * @param slots the slots by name, sorted
 */
public record Checkpoint(Map<String, CheckpointSlot> slots) {
    /** A checkpoint with no slots. */
    public static final Checkpoint EMPTY = new Checkpoint(Map.of());

    /** Validates and copies. */
    public Checkpoint {
        Objects.requireNonNull(slots, "slots");
        TreeMap<String, CheckpointSlot> copy = new TreeMap<>();
        slots.forEach((name, slot) -> {
            if (!name.equals(slot.slot())) {
                throw new IllegalArgumentException("slot map key " + name + " differs from slot " + slot.slot());
            }
            copy.put(name, slot);
        });
        slots = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Looks up one slot.
     *
     * @param slot the slot's name
     * @return the slot, or empty if no node of the path checkpointed it
     */
    public Optional<CheckpointSlot> slot(String slot) {
        return Optional.ofNullable(slots.get(slot));
    }

    /** @return true if no slot is set */
    public boolean isEmpty() {
        return slots.isEmpty();
    }
}

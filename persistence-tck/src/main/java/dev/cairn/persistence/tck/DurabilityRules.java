package dev.cairn.persistence.tck;

/** Rule 23 (stub). */
abstract class DurabilityRules extends KitRules {
    DurabilityRules(RuntimePersistenceKit kit) {
        super(kit);
    }
}

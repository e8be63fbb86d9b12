package dev.cairn.persistence.tck;

/** Model-based (stub). */
abstract class ModelBasedRules extends KitRules {
    ModelBasedRules(RuntimePersistenceKit kit) {
        super(kit);
    }
}

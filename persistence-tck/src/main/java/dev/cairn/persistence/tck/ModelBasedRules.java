package dev.cairn.persistence.tck;

import org.junit.jupiter.api.Test;

/**
 * Random operations against the provider and the kit's reference model, compared after every step.
 * The seed is printed; {@code -Dcairn.tck.seed=S} replays a run and {@code -Dcairn.tck.steps=N}
 * sets its length (failure messages say which values replay up to the failing step).
 */
abstract class ModelBasedRules extends KitRules {

    ModelBasedRules(RuntimePersistenceKit kit) {
        super(kit);
    }

    @Test
    void rules01to21_randomOperationsMatchTheReferenceModel() {
        long seed = kit.settings().seedOrRandom();
        int steps = kit.settings().steps();
        System.out.println("[cairn-tck] " + kit.getClass().getSimpleName() + " model-based test: seed=" + seed
                + " steps=" + steps + " (replay with -D" + KitSettings.SEED + "=" + seed + ")");
        new ModelRun(factory(), seed, steps).run();
    }

    @Test
    void rules01to21_randomOperationsMatchTheReferenceModelWithAnotherSeed() {
        long seed = kit.settings().seed().map(s -> s + 1).orElseGet(kit.settings()::seedOrRandom);
        int steps = kit.settings().steps();
        System.out.println("[cairn-tck] " + kit.getClass().getSimpleName() + " model-based test: seed=" + seed
                + " steps=" + steps + " (replay with -D" + KitSettings.SEED + "=" + seed + ")");
        new ModelRun(factory(), seed, steps).run();
    }
}

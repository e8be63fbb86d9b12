package dev.cairn.persistence.example.agent;

import dev.cairn.persistence.IdempotencyConflictException;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.PersistenceException;
import dev.cairn.persistence.RevisionConflictException;
import dev.cairn.persistence.RuntimeCommit;
import dev.cairn.persistence.RuntimeCommitResult;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionNotFoundException;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.StoreClosedException;
import dev.cairn.persistence.StoreCorruptedException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one step with compare-and-set, and retries a bounded number of times.
 *
 * <ul>
 *   <li>{@link RevisionConflictException}: another writer committed first and nothing of this step
 *   was written (SPEC rule 3). Reload the head, build the step again on it (its nodes hang under the
 *   new head, its tools run again on the new tool state) and retry.</li>
 *   <li>Any other plain {@link PersistenceException} leaves the outcome unknown (the commit may have
 *   landed). Resend the very same commit: its idempotency key makes the store replay it if it landed
 *   (SPEC rule 7) instead of recording its nodes twice.</li>
 * </ul>
 */
final class StepCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(StepCommitter.class);

    private final RuntimePersistence store;
    private final int maxRetries;
    private int conflictRetries;

    StepCommitter(RuntimePersistence store, int maxRetries) {
        this.store = store;
        this.maxRetries = maxRetries;
    }

    /** @return how many conflicts the steps committed so far met */
    int conflictRetries() {
        return conflictRetries;
    }

    /** @return the head, revision and checkpoint as stored now */
    StepBase reload() {
        return store.loadSession(SessionReadScope.activePathTail(1))
                .map(StepBase::of)
                .orElseThrow(() -> new SessionNotFoundException(store.sessionId()));
    }

    /**
     * @param first the base read before the step
     * @param step builds the step's commit on a base; called again after each conflict
     * @return the commit's result
     */
    RuntimeCommitResult commit(StepBase first, Function<StepBase, RuntimeCommit> step) {
        StepBase base = first;
        RuntimeCommit commit = step.apply(base);
        RevisionConflictException lastConflict = null;
        for (int attempt = 1; attempt <= maxRetries + 1; attempt++) {
            try {
                RuntimeCommitResult result = store.commitRuntimeState(commit);
                if (result.replayed()) {
                    LOG.info("Session {}: step {} was already committed, replayed", store.sessionId(),
                            commit.idempotencyKey().orElse("-"));
                }
                return result;
            } catch (RevisionConflictException e) {
                lastConflict = e;
                conflictRetries++;
                LOG.debug("Session {}: revision conflict (expected {}, actual {}), attempt {}", store.sessionId(),
                        e.expected(), e.actual(), attempt);
                if (attempt > maxRetries) {
                    break;
                }
                pause(attempt);
                base = reload();
                commit = step.apply(base);
            } catch (InvalidRequestException | IdempotencyConflictException | SessionNotFoundException
                     | StoreClosedException | StoreCorruptedException e) {
                throw e;
            } catch (PersistenceException e) {
                if (attempt > maxRetries) {
                    throw e;
                }
                LOG.warn("Session {}: commit failed ({}), resending it under its idempotency key",
                        store.sessionId(), e.getClass().getSimpleName());
                pause(attempt);
            }
        }
        throw new TurnConflictException(store.sessionId(), maxRetries + 1, lastConflict);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 4 * Math.min(attempt, 8) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a commit", e);
        }
    }
}

package dev.cairn.persistence.tck;

import dev.cairn.persistence.PersistedSessionRead;
import dev.cairn.persistence.RuntimePersistence;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.SessionStoreCreateRequest;
import dev.cairn.persistence.SessionStoreFactory;
import dev.cairn.persistence.SessionStores;
import java.io.PrintStream;
import java.util.Optional;

/**
 * The child JVM of the durability test (SPEC rule 23). Started by the kit with the parent's class
 * path; not meant to be run by hand.
 *
 * <ul>
 *   <li>{@code commit LOCATION SESSION}: opens {@code SessionStores.open(LOCATION)}, prints
 *   {@code READY <revision>}, then commits the deterministic steps of the test one after the other,
 *   printing {@code ACK <revision>} after each call returned, until the parent kills it;</li>
 *   <li>{@code read LOCATION SESSION}: prints {@code REVISION <revision> HEAD <head> NODES <count>}
 *   of the session, or {@code MISSING}, and exits.</li>
 * </ul>
 */
public final class DurabilityChild {

    private DurabilityChild() {
    }

    /**
     * Runs the child.
     *
     * @param args the mode, the location and the session id
     */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: DurabilityChild commit|read LOCATION SESSION");
            System.exit(2);
        }
        PrintStream out = System.out;
        SessionStoreFactory factory = SessionStores.open(args[1]);
        if (args[0].equals("read")) {
            Optional<RuntimePersistence> store = factory.openExisting(args[2]);
            Optional<PersistedSessionRead> r = store.flatMap(s -> s.loadSession(SessionReadScope.fullGraph()));
            out.println(r.map(x -> "REVISION " + x.head().revision() + " HEAD " + x.head().nodeId().orElse("-") + " NODES "
                    + x.nodes().size()).orElse("MISSING"));
            out.flush();
            factory.close();
            return;
        }
        RuntimePersistence store = factory.createStore(SessionStoreCreateRequest.of(args[2]));
        long revision = store.loadSession(SessionReadScope.activePathTail(1)).orElseThrow().head().revision();
        out.println("READY " + revision);
        out.flush();
        while (true) {
            long next = revision + 1;
            store.commitRuntimeState(DurableSteps.commit(next));
            revision = next;
            out.println("ACK " + revision);
            out.flush();
        }
    }
}

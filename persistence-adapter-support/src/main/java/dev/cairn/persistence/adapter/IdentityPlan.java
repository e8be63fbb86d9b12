package dev.cairn.persistence.adapter;

import java.util.ArrayList;
import java.util.List;

/**
 * The fast path of an update. A framework hands back the very message objects it read, plus new
 * ones. When the conversation messages it kept are the stored window's last ones, in order, followed
 * only by new messages, and its system messages are stored objects, the plan is an append found by
 * identity in one pass, without comparing content. Anything else goes to {@link WindowAligner}.
 */
final class IdentityPlan {
    private IdentityPlan() {
    }

    /**
     * @param stored the stored window
     * @param sources per incoming message, the index of the stored entry it is (the same object), or
     *                {@link WindowPlan#NEW}
     * @param incoming the incoming messages, encoded
     * @return the append plan, or null when the update is not such an append
     */
    static <M> WindowPlan of(List<WindowEntry<M>> stored, int[] sources, List<EncodedMessage> incoming) {
        int expected = -1; // the stored index the next kept conversation message must have
        boolean sawNew = false;
        boolean keptAny = false;
        for (int j = 0; j < sources.length; j++) {
            int s = sources[j];
            if (incoming.get(j).system()) {
                if (s == WindowPlan.NEW) {
                    return null; // a new system message may be a stored one by content: the aligner decides
                }
                continue;
            }
            if (s == WindowPlan.NEW) {
                sawNew = true;
                continue;
            }
            if (sawNew || stored.get(s).encoded().system() || (expected >= 0 && s != expected)) {
                return null; // a kept message after a new one, or out of order: a rewrite
            }
            keptAny = true;
            expected = nextConversationMessage(stored, s + 1);
        }
        boolean storedHasConversation = nextConversationMessage(stored, 0) < stored.size();
        if (keptAny ? expected != stored.size() : storedHasConversation) {
            return null; // the kept run does not end the stored window, or nothing was kept of it
        }
        List<Integer> list = new ArrayList<>(sources.length);
        for (int s : sources) {
            list.add(s);
        }
        return new WindowPlan(WindowPlan.Mode.APPEND, -1, list);
    }

    private static <M> int nextConversationMessage(List<WindowEntry<M>> stored, int from) {
        for (int i = from; i < stored.size(); i++) {
            if (!stored.get(i).encoded().system()) {
                return i;
            }
        }
        return stored.size();
    }
}

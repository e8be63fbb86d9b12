package dev.cairn.persistence.adapter;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.StoreCorruptedException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The window slot: which messages form the framework's window, relative to the head. The
 * conversation's messages are the last {@code tail} message nodes of the active path up to the
 * head (system messages and markers not counted), with the system messages pinned at their places
 * by node id. Because it is relative to the head, an update that only slides the window (one message
 * in, one out: the steady state of a window memory) leaves it unchanged and commits no slot at all;
 * it resolves along the active path (SPEC rule 11), so a fork or a rewind to any earlier head finds
 * the window as it was there.
 *
 * <p>Bytes: a header line, the tail count, then a line {@code <position> <node id>} per pinned
 * system message.
 *
 * @param tail how many non-system messages end the window
 * @param pinned the system messages, by their place in the window
 */
record WindowDescription(int tail, List<Pinned> pinned) {
    private static final String HEADER = "cairn.window.v1";

    WindowDescription {
        if (tail < 0) {
            throw new IllegalArgumentException("tail must not be negative, was " + tail);
        }
        pinned = List.copyOf(pinned);
    }

    /** The empty window. */
    static final WindowDescription EMPTY = new WindowDescription(0, List.of());

    /** @return how many messages the window has */
    int size() {
        return tail + pinned.size();
    }

    /**
     * A system message of the window.
     *
     * @param position its index in the window
     * @param nodeId its node
     */
    record Pinned(int position, String nodeId) {
        Pinned {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    /** The description of a window whose entries are given in order. */
    static <M> WindowDescription of(List<WindowEntry<M>> entries) {
        int tail = 0;
        List<Pinned> pinned = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).encoded().system()) {
                pinned.add(new Pinned(i, entries.get(i).nodeId()));
            } else {
                tail++;
            }
        }
        return new WindowDescription(tail, pinned);
    }

    byte[] encode() {
        StringBuilder b = new StringBuilder(HEADER).append('\n').append(tail);
        for (Pinned p : pinned) {
            b.append('\n').append(p.position()).append(' ').append(p.nodeId());
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static WindowDescription decode(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.US_ASCII).split("\n", -1);
        try {
            if (!lines[0].equals(HEADER) || lines.length < 2) {
                throw new StoreCorruptedException("the window slot does not start with " + HEADER);
            }
            int tail = Integer.parseInt(lines[1]);
            List<Pinned> pinned = new ArrayList<>(lines.length - 2);
            for (int i = 2; i < lines.length; i++) {
                int space = lines[i].indexOf(' ');
                String id = lines[i].substring(space + 1);
                if (space <= 0 || !Ids.isValid(id)) {
                    throw new StoreCorruptedException("the window slot has a malformed line " + (i + 1));
                }
                pinned.add(new Pinned(Integer.parseInt(lines[i].substring(0, space)), id));
            }
            return new WindowDescription(tail, pinned);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new StoreCorruptedException("the window slot is malformed: " + e.getMessage());
        }
    }
}

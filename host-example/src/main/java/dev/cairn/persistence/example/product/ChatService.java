package dev.cairn.persistence.example.product;

import dev.cairn.persistence.Ids;
import dev.cairn.persistence.InvalidRequestException;
import dev.cairn.persistence.NodeKind;
import dev.cairn.persistence.SessionHead;
import dev.cairn.persistence.SessionReadScope;
import dev.cairn.persistence.UsageLedger;
import dev.cairn.persistence.example.agent.AgentCore;
import dev.cairn.persistence.example.agent.AgentSession;
import dev.cairn.persistence.example.agent.Transcript;
import dev.cairn.persistence.example.agent.TurnListener;
import dev.cairn.persistence.example.agent.TurnResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's use cases over its two stores: the chats table (product data in SQL: title, owner, turn
 * count) and the Cairn sessions (everything the agent did). A chat exists when it has a row; the row
 * is written after its session is created and removed after its session is erased, so a crash
 * between the two leaves at worst a session without a row, which nothing lists.
 */
public final class ChatService {
    /** The session attribute that marks this app's sessions in a shared store. */
    public static final String APP_ATTRIBUTE = "app";
    /** Its value. */
    public static final String APP = "cairn-host-example";
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);

    private final AgentCore core;
    private final ChatDirectory directory;
    private final Clock clock;

    /**
     * @param core the agent runtime
     * @param directory the chats table
     * @param clock the clock for creation times
     */
    public ChatService(AgentCore core, ChatDirectory directory, Clock clock) {
        this.core = Objects.requireNonNull(core, "core");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return the agent runtime */
    public AgentCore core() {
        return core;
    }

    /** @return the chats table */
    public ChatDirectory directory() {
        return directory;
    }

    /**
     * Creates a chat: its session (seeded with title, model, owner) and its row.
     *
     * @param title the title
     * @param owner the owner
     * @return the new chat
     */
    public ChatSummary create(String title, String owner) {
        String chatId = "chat-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (AgentSession s = core.session(chatId).name(title).attribute(APP_ATTRIBUTE, APP)
                .attribute("owner", owner).open()) {
            ChatRecord row = new ChatRecord(chatId, title, owner, SqlChatDirectory.truncate(clock.instant()), 0,
                    Optional.empty());
            directory.insert(row);
            LOG.info("Created chat {}", chatId);
            return ChatSummary.of(row, s.meta(), 0, s.head());
        }
    }

    /**
     * Lists chats newest first, one page at a time (the resume picker), from the chats table joined
     * with each chat's session (head, revision, tokens).
     *
     * @param owner only this owner's chats, if given
     * @param limit the page size
     * @param cursor the previous page's {@link ChatPage#nextCursor()}, if any
     * @return the page
     * @throws InvalidRequestException if the cursor is not one this service gave out
     */
    public ChatPage list(Optional<String> owner, int limit, Optional<String> cursor) {
        Optional<ChatDirectory.Position> after = cursor.map(ChatService::position);
        List<ChatRecord> rows = directory.page(owner, limit + 1, after);
        List<ChatSummary> out = new ArrayList<>();
        for (ChatRecord row : rows.subList(0, Math.min(limit, rows.size()))) {
            core.factory().openExisting(row.chatId()).ifPresentOrElse(store -> {
                try (store) {
                    store.loadSession(SessionReadScope.activePathTail(1)).ifPresent(read ->
                            store.loadSessionMeta().ifPresent(meta -> out.add(ChatSummary.of(row, meta,
                                    read.usage().total().totalTokens(), read.head()))));
                }
            }, () -> LOG.debug("Chat {} has no session; skipped", row.chatId()));
        }
        Optional<String> next = rows.size() > limit
                ? Optional.of(cursorOf(rows.get(limit - 1))) : Optional.empty();
        return new ChatPage(out, next);
    }

    private static String cursorOf(ChatRecord row) {
        long us = row.createdAt().getEpochSecond() * 1_000_000L + row.createdAt().getNano() / 1000;
        return us + "." + row.chatId();
    }

    private static ChatDirectory.Position position(String cursor) {
        int dot = cursor.indexOf('.');
        try {
            long us = Long.parseLong(cursor.substring(0, Math.max(dot, 0)));
            String id = cursor.substring(dot + 1);
            if (id.isEmpty()) {
                throw new NumberFormatException();
            }
            return new ChatDirectory.Position(Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L),
                    Math.floorMod(us, 1_000_000L) * 1000), id);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new InvalidRequestException("Invalid cursor: pass the nextCursor of the previous page");
        }
    }

    /**
     * @param chatId a chat
     * @return the chat
     * @throws ChatNotFoundException if there is no such chat
     */
    public ChatSummary get(String chatId) {
        ChatRecord row = row(chatId);
        return withSession(chatId, s -> {
            UsageLedger usage = s.usage();
            return ChatSummary.of(row, s.meta(), usage.total().totalTokens(), s.head());
        });
    }

    /**
     * Runs a turn and counts it in the chat's row, once per turn: a retry with the same idempotency
     * key replays the turn and is not counted again.
     *
     * @param chatId the chat
     * @param text what the user said
     * @param idempotencyKey the client's key for this message, if any
     * @param listener hears each node as it is committed
     * @return what the turn did
     */
    public TurnResult send(String chatId, String text, Optional<String> idempotencyKey, TurnListener listener) {
        row(chatId);
        TurnResult result = withSession(chatId, s -> s.send(text, idempotencyKey, listener));
        directory.countTurn(chatId, result.turnId());
        return result;
    }

    /**
     * @param chatId the chat
     * @param scope the read scope
     * @return the nodes of the scope
     */
    public Transcript transcript(String chatId, SessionReadScope scope) {
        row(chatId);
        return withSession(chatId, s -> s.read(scope));
    }

    /**
     * @param chatId the chat
     * @return its token ledger, with the entries of every live node (abandoned branches too) as turns
     */
    public UsageLedger usage(String chatId) {
        row(chatId);
        return withSession(chatId, s -> s.usage(SessionReadScope.fullGraph()));
    }

    /**
     * Moves the chat's head to a node and recounts its turns.
     *
     * @param chatId the chat
     * @param nodeId a live node of the chat
     * @param expectedRevision the revision the caller saw, if given
     * @return the new head
     */
    public SessionHead rewind(String chatId, String nodeId, OptionalLong expectedRevision) {
        row(chatId);
        SessionHead head = withSession(chatId, s -> s.rewind(nodeId, expectedRevision));
        recount(chatId);
        return head;
    }

    /**
     * Forks a chat at a node (its head when none is given) into a new chat.
     *
     * @param chatId the source chat
     * @param nodeId the node to fork at, or empty for the source's head
     * @param title the new chat's title, or empty for "fork of ..."
     * @return the new chat
     */
    public ChatSummary fork(String chatId, Optional<String> nodeId, Optional<String> title) {
        ChatRecord source = row(chatId);
        String at = nodeId.orElseGet(() -> withSession(chatId, s -> s.head().nodeId().orElseThrow(() ->
                new InvalidRequestException("Chat '" + chatId + "' has no messages to fork"))));
        String newId = "chat-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        try (AgentSession fork = core.fork(chatId, at, newId)) {
            ChatRecord row = new ChatRecord(newId, title.orElse("Fork of " + source.title()), source.owner(),
                    SqlChatDirectory.truncate(clock.instant()), 0, Optional.of(chatId));
            directory.insert(row);
            LOG.info("Forked chat {} at {} into {}", chatId, at, newId);
            row = recount(newId).orElse(row);
            return ChatSummary.of(row, fork.meta(), fork.usage().total().totalTokens(), fork.head());
        }
    }

    /**
     * Erases a chat: its session (nodes, checkpoints, ledger, blobs) and its row.
     *
     * @param chatId the chat
     * @throws ChatNotFoundException if there is no such chat
     */
    public void delete(String chatId) {
        boolean hadRow = directory.find(chatId).isPresent();
        boolean hadSession = Ids.isValid(chatId) && core.delete(chatId);
        directory.remove(chatId);
        if (!hadRow && !hadSession) {
            throw new ChatNotFoundException(chatId);
        }
        LOG.info("Deleted chat {}", chatId);
    }

    private Optional<ChatRecord> recount(String chatId) {
        int turns = withSession(chatId, s -> (int) s.read(SessionReadScope.activePath()).nodes().stream()
                .filter(n -> n.kind().equals(NodeKind.USER_INPUT.name())).count());
        return directory.setTurns(chatId, turns);
    }

    private ChatRecord row(String chatId) {
        return directory.find(chatId).orElseThrow(() -> new ChatNotFoundException(chatId));
    }

    private <T> T withSession(String chatId, Function<AgentSession, T> action) {
        try (AgentSession s = core.session(chatId).openExisting().orElseThrow(() -> new ChatNotFoundException(chatId))) {
            return action.apply(s);
        }
    }
}

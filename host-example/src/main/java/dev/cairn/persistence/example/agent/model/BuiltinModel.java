package dev.cairn.persistence.example.agent.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.persistence.TokenUsage;
import dev.cairn.persistence.example.agent.ChatMessage;
import dev.cairn.persistence.example.agent.ChatModel;
import dev.cairn.persistence.example.agent.ModelReply;
import dev.cairn.persistence.example.agent.ModelRequest;
import dev.cairn.persistence.example.agent.Payloads;
import dev.cairn.persistence.example.agent.ToolCall;
import dev.cairn.persistence.example.agent.ToolSpec;
import dev.cairn.persistence.example.agent.Tokens;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A deterministic stand-in for a language model: no network, no key, the same answer for the same
 * context. It plans with a few patterns, calls the built-in tools it was offered ({@code calculator},
 * {@code notes}, {@code clock}), answers from their results, and reports token usage as word counts,
 * so every path of the runtime runs out of the box.
 *
 * <ul>
 *   <li>{@code note buy milk} / {@code remember that ...}: adds a note</li>
 *   <li>{@code show my notes} / {@code what did I ask you to remember?}: lists notes</li>
 *   <li>{@code forget note 2} / {@code clear my notes}</li>
 *   <li>arithmetic such as {@code 12*(3+4)}: the calculator, for at most {@value #MAX_CALCULATIONS}
 *   expressions of a message</li>
 *   <li>{@code time}, {@code date}, {@code today}: the clock</li>
 *   <li>anything else: a reply that shows what of the conversation it can see</li>
 * </ul>
 */
public final class BuiltinModel implements ChatModel {
    /** The name it reports, in session metadata and the usage ledger. */
    public static final String NAME = "cairn-builtin-1";

    private static final Pattern ADD = Pattern.compile(
            "^(?:please\\s+)?(?:note|remember|add (?:a )?note)(?:\\s+that)?\\s*[:,-]?\\s+(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern REMOVE = Pattern.compile("\\b(?:forget|remove|delete)\\s+note\\s*#?(\\d+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CLEAR = Pattern.compile("\\bclear\\b.*\\bnotes?\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST = Pattern.compile("\\bnotes\\b|\\bremember\\b|\\bnotes? board\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CLOCK = Pattern.compile("\\b(?:time|date|clock|today|weekday)\\b",
            Pattern.CASE_INSENSITIVE);
    /** The most expressions one message gets calculated; the rest are left out. */
    static final int MAX_CALCULATIONS = 4;
    private static final Pattern MATH_RUN = Pattern.compile("[0-9.+\\-*/^()×÷ ]+");
    private static final Pattern HAS_OPERATION = Pattern.compile("\\d\\s*\\)*\\s*[-+*/^×÷]\\s*[(\\s-]*\\d");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelReply complete(ModelRequest request) {
        List<ChatMessage> messages = request.messages();
        Set<String> offered = request.tools().stream().map(ToolSpec::name).collect(Collectors.toSet());
        long input = Tokens.count(request.system());
        for (ChatMessage m : messages) {
            input += Tokens.count(m);
        }
        ChatMessage last = messages.isEmpty() ? ChatMessage.user("") : messages.get(messages.size() - 1);
        String text;
        List<ToolCall> calls = List.of();
        if (last.role() == ChatMessage.Role.TOOL) {
            text = summarize(trailingToolResults(messages));
        } else if (last.role() == ChatMessage.Role.USER) {
            calls = plan(last.text(), offered);
            text = calls.isEmpty() ? chat(messages, last.text())
                    : "Let me use " + calls.stream().map(ToolCall::name).distinct()
                            .collect(Collectors.joining(" and ")) + ".";
        } else {
            text = "I have nothing to add.";
        }
        long output = Tokens.count(text);
        for (ToolCall c : calls) {
            output += 1 + Tokens.count(c.arguments().toString());
        }
        return new ModelReply(text, calls, NAME, TokenUsage.of(input, output));
    }

    static List<ToolCall> plan(String text, Set<String> offered) {
        List<ToolCall> calls = new ArrayList<>();
        String t = text.strip();
        if (offered.contains("notes")) {
            Matcher add = ADD.matcher(t);
            Matcher remove = REMOVE.matcher(t);
            if (add.matches()) {
                calls.add(call(calls, "notes", args("action", "add").put("text", add.group(1).strip())));
                return calls;
            } else if (remove.find()) {
                calls.add(call(calls, "notes", args("action", "remove").put("id", Integer.parseInt(remove.group(1)))));
            } else if (CLEAR.matcher(t).find()) {
                calls.add(call(calls, "notes", args("action", "clear")));
            } else if (LIST.matcher(t).find()) {
                calls.add(call(calls, "notes", args("action", "list")));
            }
        }
        if (offered.contains("calculator")) {
            Matcher run = MATH_RUN.matcher(t);
            while (run.find() && calls.size() < MAX_CALCULATIONS) {
                String expr = run.group().strip();
                if (HAS_OPERATION.matcher(expr).find()) {
                    calls.add(call(calls, "calculator", args("expression", expr)));
                }
            }
        }
        if (offered.contains("clock") && CLOCK.matcher(t).find()) {
            calls.add(call(calls, "clock", JsonNodeFactory.instance.objectNode()));
        }
        return calls;
    }

    private static ToolCall call(List<ToolCall> sofar, String name, ObjectNode arguments) {
        return new ToolCall("call_" + (sofar.size() + 1), name, arguments);
    }

    private static ObjectNode args(String key, String value) {
        return JsonNodeFactory.instance.objectNode().put(key, value);
    }

    private static List<ChatMessage> trailingToolResults(List<ChatMessage> messages) {
        int i = messages.size();
        while (i > 0 && messages.get(i - 1).role() == ChatMessage.Role.TOOL) {
            i--;
        }
        return messages.subList(i, messages.size());
    }

    private static String summarize(List<ChatMessage> results) {
        List<String> parts = new ArrayList<>();
        for (ChatMessage r : results) {
            JsonNode out = parse(r.text());
            if (out.has("error")) {
                parts.add("The " + r.toolName() + " tool said: " + out.path("error").asText() + ".");
                continue;
            }
            switch (r.toolName()) {
                case "calculator" -> parts.add(out.path("expression").asText() + " = " + out.path("value").asText() + ".");
                case "clock" -> parts.add("It is " + out.path("utc").asText() + " ("
                        + out.path("weekday").asText().toLowerCase(Locale.ROOT) + ").");
                case "notes" -> parts.add(notes(out));
                default -> parts.add("The " + r.toolName() + " tool returned " + out + ".");
            }
        }
        return String.join(" ", parts);
    }

    private static String notes(JsonNode out) {
        String prefix = switch (out.path("action").asText()) {
            case "add" -> "Noted as #" + out.path("added").asInt() + ". ";
            case "remove" -> "Removed note #" + out.path("removed").asInt() + ". ";
            case "clear" -> "Cleared the notes board. ";
            default -> "";
        };
        JsonNode items = out.path("notes");
        if (items.isEmpty()) {
            return prefix + "The notes board is empty.";
        }
        List<String> lines = new ArrayList<>();
        items.forEach(n -> lines.add("#" + n.path("id").asInt() + " " + n.path("text").asText()));
        return prefix + "Your notes: " + String.join("; ", lines) + ".";
    }

    private static String chat(List<ChatMessage> messages, String said) {
        List<String> userSaid = messages.stream().filter(m -> m.role() == ChatMessage.Role.USER)
                .map(ChatMessage::text).toList();
        StringBuilder sb = new StringBuilder("You said \"").append(shorten(said)).append("\". That is message ")
                .append(userSaid.size()).append(" of this chat that I can see.");
        if (userSaid.size() >= 2) {
            sb.append(" Before that you said \"").append(shorten(userSaid.get(userSaid.size() - 2))).append("\".");
        }
        sb.append(" I can do arithmetic (\"what is 12*7\"), keep notes (\"note buy milk\", \"show my notes\")"
                + " and tell the time.");
        return sb.toString();
    }

    private static String shorten(String s) {
        String one = s.strip().replaceAll("\\s+", " ");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    private static JsonNode parse(String json) {
        try {
            return Payloads.JSON.readTree(json);
        } catch (IOException e) {
            return JsonNodeFactory.instance.objectNode().put("error", "unreadable result");
        }
    }
}

package dev.cairn.persistence.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Carries the hand-written sections of the {@code BENCHMARKS.md} a run replaces into the one it writes, so a
 * full run of {@code run-benchmarks.sh} keeps the before/after figures engineers measured by hand.
 *
 * <p>A section is hand-written when its heading ({@code ## } or {@code ### }) contains {@value #MARK}. A
 * {@code ## } section is carried whole (with its {@code ### } subsections) and goes after the rendered figures;
 * a marked {@code ### } section inside a generated {@code ## } section is carried to the end of the section of
 * the same heading in the new file, or after the figures when the new file has no such section. A section whose
 * heading line the new file already has (the analysis from {@code ANALYSIS.md}, for one) is not carried.
 * Headings inside fenced code blocks are not headings.
 */
final class HandWrittenSections {
    /** The text in a heading that marks its section as written by hand. */
    static final String MARK = "(hand-written)";

    private HandWrittenSections() {
    }

    /**
     * @param previous the file being replaced (empty when there is none)
     * @param figures the rendered figures of this run
     * @param analysis what goes after everything else (the hand-written analysis; empty for none)
     * @return the figures with the carried subsections in place, then the carried sections, then the analysis
     */
    static String merge(String previous, String figures, String analysis) {
        String fresh = figures + "\n" + analysis;
        List<String> newLines = List.of(figures.split("\n", -1));
        List<String> freshHeadings = headings(List.of(fresh.split("\n", -1)));
        Map<String, List<String>> intoSections = new LinkedHashMap<>();
        List<String> appended = new ArrayList<>();
        for (Block b : blocks(List.of(previous.split("\n", -1)))) {
            if (freshHeadings.contains(b.lines.get(0))) {
                continue;
            }
            if (b.parent.isPresent() && freshHeadings.contains(b.parent.get())) {
                intoSections.computeIfAbsent(b.parent.get(), k -> new ArrayList<>()).addAll(b.lines);
            } else {
                appended.addAll(b.lines);
            }
        }
        List<String> out = new ArrayList<>();
        String section = null;
        boolean fence = false;
        for (String line : newLines) {
            if (line.startsWith("```")) {
                fence = !fence;
            }
            boolean heading = !fence && line.startsWith("## ");
            if (heading && section != null && intoSections.containsKey(section)) {
                out.addAll(withBlankBefore(out, intoSections.remove(section)));
            }
            if (heading) {
                section = line;
            }
            out.add(line);
        }
        if (section != null && intoSections.containsKey(section)) {
            out.addAll(withBlankBefore(out, intoSections.remove(section)));
        }
        intoSections.values().forEach(appended::addAll);
        if (!appended.isEmpty()) {
            out.addAll(withBlankBefore(out, appended));
        }
        String body = String.join("\n", out);
        return analysis.isEmpty() ? body : body + (body.endsWith("\n") ? "" : "\n") + "\n" + analysis;
    }

    private static List<String> withBlankBefore(List<String> out, List<String> lines) {
        List<String> r = new ArrayList<>();
        if (!out.isEmpty() && !out.get(out.size() - 1).isBlank()) {
            r.add("");
        }
        r.addAll(lines);
        return r;
    }

    /** A carried section: its lines (heading first) and, for a {@code ###} one, its {@code ##} heading. */
    private record Block(List<String> lines, Optional<String> parent) {
    }

    private static List<String> headings(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean fence = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                fence = !fence;
            } else if (!fence && (line.startsWith("## ") || line.startsWith("### "))) {
                out.add(line);
            }
        }
        return out;
    }

    private static List<Block> blocks(List<String> lines) {
        List<Block> out = new ArrayList<>();
        List<String> current = null;
        Optional<String> parent = Optional.empty();
        String section = null;
        boolean fence = false;
        for (String line : lines) {
            boolean isFence = line.startsWith("```");
            boolean h2 = !fence && !isFence && line.startsWith("## ");
            boolean h3 = !fence && !isFence && line.startsWith("### ");
            if (isFence) {
                fence = !fence;
            }
            boolean wholeSectionCarried = current != null && parent.isEmpty();
            if (h2 || (h3 && !wholeSectionCarried)) {
                if (current != null) {
                    out.add(new Block(trimTrailingBlank(current), parent));
                    current = null;
                }
                if (h2) {
                    section = line;
                }
                if (line.contains(MARK)) {
                    current = new ArrayList<>();
                    parent = h2 ? Optional.empty() : Optional.ofNullable(section);
                }
            }
            if (current != null) {
                current.add(line);
            }
        }
        if (current != null) {
            out.add(new Block(trimTrailingBlank(current), parent));
        }
        return out;
    }

    private static List<String> trimTrailingBlank(List<String> lines) {
        int end = lines.size();
        while (end > 1 && lines.get(end - 1).isBlank()) {
            end--;
        }
        return new ArrayList<>(lines.subList(0, end));
    }
}

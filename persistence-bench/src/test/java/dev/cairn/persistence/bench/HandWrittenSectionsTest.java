package dev.cairn.persistence.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A new report keeps the hand-written sections of the one it replaces, each once and in its place. */
class HandWrittenSectionsTest {
    private static final String PREVIOUS = String.join("\n",
            "# Cairn benchmarks", "", "## 1. Commits", "old figures", "",
            "### By hand: a follow-up (hand-written)", "measured 2.4 x", "```", "## not a heading", "```", "",
            "## 2. Reads", "old reads", "",
            "## Issue 9: before and after (hand-written)", "table 9", "### Issue 9, second pass", "table 9b", "",
            "## Analysis (hand-written)", "old analysis", "### Acted on", "old acted", "",
            "## Issue 10 (hand-written)", "table 10", "");

    @Test
    void carriesMarkedSectionsIntoTheirPlacesAndDropsTheOldAnalysis() {
        String figures = String.join("\n", "# Cairn benchmarks", "", "## 1. Commits", "new figures", "",
                "## 2. Reads", "new reads", "");
        String merged = HandWrittenSections.merge(PREVIOUS, figures, "## Analysis (hand-written)\nnew analysis\n");
        assertEquals(String.join("\n", "# Cairn benchmarks", "", "## 1. Commits", "new figures", "",
                "### By hand: a follow-up (hand-written)", "measured 2.4 x", "```", "## not a heading", "```",
                "## 2. Reads", "new reads", "",
                "## Issue 9: before and after (hand-written)", "table 9", "### Issue 9, second pass", "table 9b",
                "## Issue 10 (hand-written)", "table 10", "",
                "## Analysis (hand-written)", "new analysis", ""), merged);
    }

    @Test
    void aSubsectionWhoseSectionIsGoneGoesAfterTheFigures() {
        String merged = HandWrittenSections.merge(PREVIOUS, "# Cairn benchmarks\n\n## 2. Reads\nnew\n", "");
        assertTrue(merged.indexOf("### By hand: a follow-up") > merged.indexOf("new"), merged);
        assertTrue(merged.indexOf("### By hand: a follow-up") < merged.indexOf("## Issue 9"), merged);
        assertTrue(merged.contains("old analysis"), "no new analysis: the old one is carried");
    }

    @Test
    void aFirstRunHasNothingToCarry() {
        assertEquals("## 1. Commits\nx\n\n## Analysis (hand-written)\ny",
                HandWrittenSections.merge("", "## 1. Commits\nx\n", "## Analysis (hand-written)\ny"));
    }

    @Test
    void theRepositorysOwnReportKeepsEveryHandWrittenSectionOnce() throws IOException {
        String previous = Files.readString(Path.of("..", "BENCHMARKS.md"));
        String analysis = Files.readString(Path.of("ANALYSIS.md"));
        String merged = HandWrittenSections.merge(previous, "# Cairn benchmarks\n\n## 1. Sequential commits\n", analysis);
        Matcher m = Pattern.compile("(?m)^#{2,3} .*\\(hand-written\\).*$").matcher(previous);
        List<String> marked = m.results().map(r -> r.group()).toList();
        assertTrue(marked.size() >= 4, "BENCHMARKS.md has hand-written sections: " + marked);
        for (String heading : marked) {
            int first = merged.indexOf(heading + "\n");
            assertTrue(first >= 0, "kept: " + heading);
            assertEquals(-1, merged.indexOf(heading + "\n", first + 1), "once: " + heading);
        }
    }
}

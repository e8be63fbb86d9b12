package dev.cairn.persistence.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns padded to their widest cell, two spaces apart, no trailing blanks. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;
    private final boolean header;

    /**
     * @param header the column titles; all blank for a table without a header line
     * @param rightAligned which columns are numbers (right-aligned); may be shorter than the header
     */
    Table(String[] header, boolean... rightAligned) {
        rows.add(header);
        this.rightAligned = rightAligned;
        this.header = java.util.Arrays.stream(header).anyMatch(h -> !h.isBlank());
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = String.valueOf(cells[i]);
        }
        rows.add(r);
        return this;
    }

    void print(PrintWriter out, String indent) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : header ? rows : rows.subList(1, rows.size())) {
            StringBuilder sb = new StringBuilder(indent);
            for (int i = 0; i < cols; i++) {
                boolean right = i < rightAligned.length && rightAligned[i];
                String pad = " ".repeat(width[i] - r[i].length());
                sb.append(right ? pad + r[i] : r[i] + (i == cols - 1 ? "" : pad));
                if (i < cols - 1) {
                    sb.append("  ");
                }
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}

package dev.cairn.persistence.cli;

/** The {@code --format} of commands that print records: text for people, json or jsonl for tools. */
enum OutputFormat {
    /** Aligned text for a terminal. */
    TEXT,
    /** One JSON document. */
    JSON,
    /** One compact JSON object per line. */
    JSONL
}

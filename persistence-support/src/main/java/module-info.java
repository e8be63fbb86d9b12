/**
 * What the durable Cairn providers share: how payloads and blobs are stored (zstd where it pays,
 * SHA-256 verified on read), the binary encodings of attachment lists and checkpoints, nanosecond
 * times, the CPU work of a commit before its transaction, checkpoint resolution and the rules a
 * commit checks and writes inside it, over JDBC. Internal: exported only to the
 * providers.
 */
module dev.cairn.persistence.support {
    requires transitive dev.cairn.persistence;
    requires transitive java.sql;
    requires com.github.luben.zstd_jni;

    exports dev.cairn.persistence.support to dev.cairn.persistence.sqlite, dev.cairn.persistence.postgres;
}

/**
 * What every Cairn framework adapter needs once: framework ids to session ids, a "replace the whole
 * list" update turned into appends on the active path, the window kept in a checkpoint slot, media
 * moved to blobs, compare-and-set with a bounded re-align-and-retry, archive-or-erase clears and
 * token usage matched to the node it belongs to. Internal: exported only to the adapters.
 */
@SuppressWarnings("module") // the adapters that the package is exported to are built after this module
module dev.cairn.persistence.adapter {
    requires transitive dev.cairn.persistence;
    requires org.slf4j;

    exports dev.cairn.persistence.adapter to dev.cairn.persistence.langchain4j, dev.cairn.persistence.springai,
            dev.cairn.persistence.adk, dev.cairn.persistence.langgraph4j;
}

/**
 * LangGraph4j on Cairn: {@link dev.cairn.persistence.langgraph4j.CairnCheckpointSaver}, a
 * {@code BaseCheckpointSaver} whose checkpoints are nodes of a Cairn session per thread.
 */
package dev.cairn.persistence.langgraph4j;

/**
 * {@code cairn}, the command-line inspector of Cairn stores: it lists, replays, draws, measures,
 * exports, imports and verifies the sessions of any store that {@link dev.cairn.persistence.SessionStores}
 * can open. {@link dev.cairn.persistence.cli.Main} is the entry point; {@link dev.cairn.persistence.cli.CairnCommand}
 * builds the command line for embedding and tests.
 */
package dev.cairn.persistence.cli;

/**
 * Cairn's example host: an agent service over HTTP whose sessions live in any Cairn store chosen by
 * configuration. {@link dev.cairn.persistence.example.Main} parses the command line,
 * {@link dev.cairn.persistence.example.AgentService} wires the store, the agent runtime, the chats
 * table and the HTTP server.
 */
package dev.cairn.persistence.example;

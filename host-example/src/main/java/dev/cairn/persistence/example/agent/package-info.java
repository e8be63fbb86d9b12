/**
 * A small agent framework on Cairn: {@link dev.cairn.persistence.example.agent.AgentCore} runs turns
 * against a {@link dev.cairn.persistence.example.agent.ChatModel} and
 * {@link dev.cairn.persistence.example.agent.Tool}s and records every step in a Cairn session, one
 * compare-and-set commit per step.
 */
package dev.cairn.persistence.example.agent;

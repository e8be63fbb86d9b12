/**
 * Models: a deterministic built-in one that needs no network, and an OpenAI-compatible HTTP one.
 */
package dev.cairn.persistence.example.agent.model;

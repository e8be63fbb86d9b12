/**
 * The built-in tools: a calculator, a notes board kept in the session's tool state, and a clock.
 */
package dev.cairn.persistence.example.agent.tools;

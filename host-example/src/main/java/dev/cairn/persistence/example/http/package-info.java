/**
 * The HTTP API on Javalin: JSON in and out, Server-Sent Events for turns as they happen, and errors
 * as {@code {"error": ..., "detail": ...}}.
 */
package dev.cairn.persistence.example.http;

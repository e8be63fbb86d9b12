/**
 * Google ADK on Cairn: {@link dev.cairn.persistence.adk.CairnSessionService}, a durable
 * {@code BaseSessionService} whose events are compare-and-set appends on a Cairn session.
 */
package dev.cairn.persistence.adk;

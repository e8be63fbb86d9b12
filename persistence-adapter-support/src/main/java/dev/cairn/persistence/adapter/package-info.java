/**
 * Internal support for the Cairn framework adapters; not an API. The center is
 * {@link dev.cairn.persistence.adapter.ConversationWindows}: a framework that hands its store the
 * whole message window after every change gets appends on the session's active path instead, with
 * the window itself kept in a checkpoint slot.
 */
package dev.cairn.persistence.adapter;

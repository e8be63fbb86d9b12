/**
 * The app's own product data beside the session store: the chats table
 * ({@link dev.cairn.persistence.example.product.ChatDirectory}) and the
 * {@link dev.cairn.persistence.example.product.ChatService} that keeps it and the Cairn sessions in
 * step.
 */
package dev.cairn.persistence.example.product;

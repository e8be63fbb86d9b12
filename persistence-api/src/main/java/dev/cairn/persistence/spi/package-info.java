/**
 * The service provider interface: storage backends implement
 * {@link dev.cairn.persistence.spi.PersistenceProvider} and register it in
 * {@code META-INF/services} (and {@code provides} in their {@code module-info}).
 */
@NullMarked
package dev.cairn.persistence.spi;

import org.jspecify.annotations.NullMarked;

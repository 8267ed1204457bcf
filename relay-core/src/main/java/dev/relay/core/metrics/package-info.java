/** The relay's counters, every one named once in {@link dev.relay.core.metrics.RelayCounter}. */
package dev.relay.core.metrics;

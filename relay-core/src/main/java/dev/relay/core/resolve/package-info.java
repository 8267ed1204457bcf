/** Hostname resolution that never blocks an event loop. */
package dev.relay.core.resolve;

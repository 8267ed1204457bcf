/** Immutable, self-validating configuration: addresses, durations and the relay's settings. */
package dev.relay.core.config;

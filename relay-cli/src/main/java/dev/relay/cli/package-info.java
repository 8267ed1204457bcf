/** The {@code relay} command: flags to the core's config, run, exit code. Nothing else lives here. */
package dev.relay.cli;

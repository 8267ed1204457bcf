/**
 * Toxiproxy's HTTP API over a relay: its proxies are relay routes and its toxics the {@code toxic} package's,
 * answered with Toxiproxy's JSON shapes, status codes and error words, so its clients drive relay unmodified.
 */
package dev.relay.core.toxiproxy;

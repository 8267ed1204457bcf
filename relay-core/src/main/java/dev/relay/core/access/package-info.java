/** The access log: one line per finished connection, on its own logger. */
package dev.relay.core.access;

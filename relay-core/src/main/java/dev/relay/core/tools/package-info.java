/** Two helpers for trying relay out and for tests: an echo server to relay to, and a scriptable client. */
package dev.relay.core.tools;

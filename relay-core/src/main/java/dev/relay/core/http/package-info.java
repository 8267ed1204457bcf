/**
 * HTTP plumbing shared by relay's own HTTP listeners (the admin listener and the Toxiproxy API): answers in the
 * order the requests came, paths decoded and checked before any handler sees them.
 */
package dev.relay.core.http;

/**
 * Datagram relaying: one listening UDP socket, and per client address a session with its own connected socket to
 * the upstream, so that replies find their client. Everything of one listener lives on one event loop.
 */
package dev.relay.core.udp;

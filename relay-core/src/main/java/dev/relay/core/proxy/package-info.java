/**
 * The relay pipeline: {@code FrontendHandler} accepts and dials, one symmetric {@code RelayHandler} per side moves
 * bytes with water-mark flow control, {@link dev.relay.core.proxy.RelayConnection} keeps a connection's state and
 * logs it. See docs/flow-control.md.
 */
package dev.relay.core.proxy;

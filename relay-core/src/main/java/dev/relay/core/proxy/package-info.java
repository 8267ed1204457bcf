/**
 * The relay pipeline, from an accepted client to the close of its pair. {@code RelayChannelInitializer} builds the
 * client's pipeline; {@code FrontendHandler} lets the client in ({@code Admission}), dials its upstream through an
 * {@code UpstreamDialer} (the upstream's pipeline is {@code UpstreamInitializer}) and hands the pair to one
 * symmetric {@code RelayHandler} per side, which moves bytes with water-mark flow control, or to the splice path
 * ({@link dev.relay.core.proxy.splice}). {@link dev.relay.core.proxy.RelayConnection} keeps a pair's state, ends it
 * and logs it. {@link dev.relay.core.proxy.RouteContext} is one route while it runs. See docs/architecture.md and
 * docs/flow-control.md.
 */
package dev.relay.core.proxy;

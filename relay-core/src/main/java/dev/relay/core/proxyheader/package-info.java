/**
 * Who a connection is from: the PROXY protocol header read from a trusted peer
 * ({@link dev.relay.core.proxyheader.ProxyHeaderHandler}) and written to an upstream
 * ({@link dev.relay.core.proxyheader.OutgoingProxyHeaderWriter}), and {@link dev.relay.core.proxyheader.ClientAddress},
 * which every part of the relay asks for the client's address.
 */
package dev.relay.core.proxyheader;

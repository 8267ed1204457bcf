/**
 * Upstream discovery: pools that follow DNS SRV records or a Kubernetes service's EndpointSlices instead of a
 * written list. A source answers with {@link dev.relay.core.upstream.DiscoveredEndpoints}; {@link PoolUpdates}
 * applies a change to the route's pool in one log line, and keeps the last pool when the source cannot be reached.
 */
package dev.relay.core.discovery;

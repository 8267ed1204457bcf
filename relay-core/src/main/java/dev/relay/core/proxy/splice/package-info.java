/**
 * The splice path: a pair relayed with splice(2) on epoll, socket to pipe to socket inside the kernel, once nothing
 * on the route needs to see the bytes. {@link dev.relay.core.proxy.splice.SpliceRelay} drives both directions; it
 * reaches its connection only through {@link dev.relay.core.proxy.splice.SplicedPair} and what was read before the
 * hand-over through {@link dev.relay.core.proxy.splice.HeldBytes}, so this package knows nothing of the pipeline.
 */
package dev.relay.core.proxy.splice;

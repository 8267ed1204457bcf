/**
 * Faults on purpose ("toxics", with Toxiproxy's names and meanings): latency, bandwidth, slow_close, timeout,
 * reset_peer, slicer and limit_data, per direction, with a toxicity. A route without toxics has the plain relay's
 * pipeline.
 */
package dev.relay.core.toxic;

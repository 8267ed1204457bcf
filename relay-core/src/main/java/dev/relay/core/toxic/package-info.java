/**
 * Faults on purpose ("toxics", with Toxiproxy's names and meanings): latency, bandwidth, slow_close, timeout,
 * reset_peer, slicer and limit_data, per direction, with a toxicity, and drop and duplicate for datagrams; a toxic
 * itself ({@link dev.relay.core.config.Toxic}, with its scope and schedule) is a config record, as a route declares it.
 * {@link dev.relay.core.toxic.ToxicSet} holds a route's toxics; {@link dev.relay.core.toxic.ToxicHandler} is the pipeline stage that applies them, and reaches its
 * connection only through {@link dev.relay.core.toxic.ToxicTarget}, so this package knows nothing of the relay's
 * pipeline. A route without toxics has the plain relay's pipeline.
 */
package dev.relay.core.toxic;

/**
 * What a running relay is made of behind its facade ({@link dev.relay.core.RelayServer}): the event loops and
 * resolvers ({@link dev.relay.core.server.IoLoops}), the route table with its listeners, health checks and draining
 * routes ({@link dev.relay.core.server.RouteTable}), the certificate watcher, and the end of a stop
 * ({@link dev.relay.core.server.Stop}). It knows the pipeline ({@code proxy}) and the config; nothing here knows the
 * admin API or the Toxiproxy API, which see the relay through narrow interfaces.
 */
package dev.relay.core.server;

/** A route's upstreams: their live state, health checks, and the balancing that picks one per connection. */
package dev.relay.core.upstream;

/** JMH benchmarks of relay, each beside a direct (no relay) baseline; see benchmarks/README.md. */
package dev.relay.bench;

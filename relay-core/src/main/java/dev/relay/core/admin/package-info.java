/** The admin listener: Prometheus metrics, the JSON API and the status page, on relay's own event loops. */
package dev.relay.core.admin;

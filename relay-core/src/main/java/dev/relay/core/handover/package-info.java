/**
 * Listening sockets this process did not open: passed by systemd (socket activation), so that a restart refuses no
 * connection while the kernel queues them, and found again by address or name when the routes bind.
 */
package dev.relay.core.handover;

/** The I/O transports (NIO, epoll, io_uring) and how one is chosen; a missing native is a reported cause. */
package dev.relay.core.transport;

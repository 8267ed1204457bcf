/** The origin's two helper programs done properly: an echo server to relay to, and a scriptable client. */
package dev.relay.core.tools;

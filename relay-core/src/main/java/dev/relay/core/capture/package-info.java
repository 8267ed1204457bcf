/** A route's traffic written as a pcap file, for Wireshark and tshark. */
package dev.relay.core.capture;

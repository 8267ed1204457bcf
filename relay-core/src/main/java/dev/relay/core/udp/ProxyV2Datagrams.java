package dev.relay.core.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The PROXY protocol v2 header on datagrams: the binary header with the DGRAM transport (0x12 for UDP over IPv4,
 * 0x22 over IPv6), placed at the start of every datagram, so that each one names its client whatever was lost or
 * reordered before it. Only the address block is written and read; a received header's TLVs are skipped.
 */
final class ProxyV2Datagrams {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int FIXED = 16;
    private static final byte PROXY = 0x21;
    private static final byte LOCAL = 0x20;
    private static final byte UDP4 = 0x12;
    private static final byte UDP6 = 0x22;

    private ProxyV2Datagrams() {
    }

    /**
     * A new buffer: the header naming {@code client} to {@code destination}, then {@code payload}, which is released.
     * An IPv4 client with an IPv6 destination (or the reverse) is written as IPv6, IPv4 mapped.
     */
    static ByteBuf prepend(ByteBufAllocator alloc, InetSocketAddress client, InetSocketAddress destination,
                           ByteBuf payload) {
        try {
            boolean v4 = client.getAddress() instanceof Inet4Address && destination.getAddress() instanceof Inet4Address;
            int addresses = v4 ? 12 : 36;
            ByteBuf out = alloc.directBuffer(FIXED + addresses + payload.readableBytes());
            out.writeBytes(SIGNATURE).writeByte(PROXY).writeByte(v4 ? UDP4 : UDP6).writeShort(addresses);
            out.writeBytes(bytes(client.getAddress(), v4)).writeBytes(bytes(destination.getAddress(), v4));
            out.writeShort(client.getPort()).writeShort(destination.getPort());
            out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            return out;
        } finally {
            payload.release();
        }
    }

    private static byte[] bytes(InetAddress address, boolean v4) {
        byte[] raw = address.getAddress();
        if (v4 || raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    /**
     * Reads the header at the start of {@code datagram} and moves its reader index past it: the client it names, or
     * {@code sender} itself for a LOCAL header (the sender's own traffic, such as a health check). Null, with the
     * index left alone, when the datagram does not start with a whole, valid v2 header for UDP.
     */
    static InetSocketAddress readSource(ByteBuf datagram, InetSocketAddress sender) {
        int start = datagram.readerIndex();
        if (datagram.readableBytes() < FIXED) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (datagram.getByte(start + i) != SIGNATURE[i]) {
                return null;
            }
        }
        byte command = datagram.getByte(start + 12);
        byte family = datagram.getByte(start + 13);
        int length = datagram.getUnsignedShort(start + 14);
        if (datagram.readableBytes() < FIXED + length || (command != PROXY && command != LOCAL)) {
            return null;
        }
        if (command == LOCAL) {
            datagram.skipBytes(FIXED + length);
            return sender;
        }
        int size = family == UDP4 ? 4 : family == UDP6 ? 16 : -1;
        if (size < 0 || length < 2 * size + 4) {
            return null;
        }
        byte[] source = new byte[size];
        datagram.getBytes(start + FIXED, source);
        int port = datagram.getUnsignedShort(start + FIXED + 2 * size);
        try {
            InetSocketAddress client = new InetSocketAddress(InetAddress.getByAddress(source), port);
            datagram.skipBytes(FIXED + length);
            return client;
        } catch (UnknownHostException impossible) {
            return null; // only thrown for an address of the wrong length, which the family check rules out
        }
    }
}

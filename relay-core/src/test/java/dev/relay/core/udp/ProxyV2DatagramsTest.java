package dev.relay.core.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The v2 header on datagrams: written as the specification lays it out, read back, and refused when broken. */
class ProxyV2DatagramsTest {

    private static final InetSocketAddress CLIENT4 = new InetSocketAddress("127.0.0.1", 4242);
    private static final InetSocketAddress LISTENER4 = new InetSocketAddress("127.0.0.1", 5353);
    private static final InetSocketAddress CLIENT6 = new InetSocketAddress("::1", 4243);
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);

    private static ByteBuf payload(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void anIpv4HeaderIsTheSpecificationsBytesThenThePayload() {
        ByteBuf datagram = ProxyV2Datagrams.prepend(ByteBufAllocator.DEFAULT, CLIENT4, LISTENER4, payload("hi"));
        try {
            assertEquals("0d0a0d0a000d0a515549540a" + "21" + "12" + "000c" + "7f000001" + "7f000001" + "1092" + "14e9"
                    + "6869", ByteBufUtil.hexDump(datagram));
        } finally {
            datagram.release();
        }
    }

    @Test
    void whatIsWrittenReadsBackAsTheClientWithThePayloadLeft() {
        for (InetSocketAddress client : new InetSocketAddress[]{CLIENT4, CLIENT6}) {
            ByteBuf datagram = ProxyV2Datagrams.prepend(ByteBufAllocator.DEFAULT, client, LISTENER4, payload("query"));
            try {
                InetSocketAddress read = ProxyV2Datagrams.readSource(datagram, SENDER);
                assertEquals(client.getPort(), read.getPort());
                assertEquals(client.getAddress(), read.getAddress());
                assertEquals("query", datagram.toString(StandardCharsets.UTF_8));
            } finally {
                datagram.release();
            }
        }
    }

    @Test
    void aLocalHeaderMeansTheSenderItself() {
        ByteBuf datagram = Unpooled.buffer();
        datagram.writeBytes(ByteBufUtil.decodeHexDump("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000"))
                .writeBytes("ping".getBytes(StandardCharsets.UTF_8));
        try {
            assertEquals(SENDER, ProxyV2Datagrams.readSource(datagram, SENDER));
            assertEquals("ping", datagram.toString(StandardCharsets.UTF_8));
        } finally {
            datagram.release();
        }
    }

    @Test
    void tlvsAfterTheAddressesAreSkipped() {
        ByteBuf datagram = Unpooled.buffer();
        datagram.writeBytes(ByteBufUtil.decodeHexDump("0d0a0d0a000d0a515549540a" + "21" + "12" + "0010"
                + "7f000001" + "7f000001" + "1092" + "14e9" + "04000100")).writeBytes("x".getBytes(StandardCharsets.UTF_8));
        try {
            assertEquals(CLIENT4, ProxyV2Datagrams.readSource(datagram, SENDER));
            assertEquals("x", datagram.toString(StandardCharsets.UTF_8));
        } finally {
            datagram.release();
        }
    }

    @Test
    void aBrokenHeaderIsRefusedAndTheDatagramLeftAlone() {
        String good = "0d0a0d0a000d0a515549540a" + "21" + "12" + "000c" + "7f000001" + "7f000001" + "1092" + "14e9";
        for (String bad : new String[]{
                "",                                                   // nothing
                good.substring(0, 30),                                // cut in the signature
                good.replace("515549540a21", "515549540a22"),          // an unknown command
                good.replace("0a2112", "0a2111"),                     // TCP, not UDP
                good.replace("12000c", "12000b"),                     // an address block too short for IPv4
                good.substring(0, good.length() - 4),                 // cut in the addresses
                "474554202f20485454502f312e310d0a"}) {               // not a header at all
            ByteBuf datagram = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(bad));
            try {
                assertNull(ProxyV2Datagrams.readSource(datagram, SENDER), bad);
                assertEquals(0, datagram.readerIndex(), "nothing consumed: " + bad);
            } finally {
                datagram.release();
            }
        }
    }
}

package dev.relay.core.discovery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An SRV answer read as a pool: weights, priorities, the "." target, TTLs, malformed records. */
class SrvAnswerTest {

    private static ByteBuf srv(int priority, int weight, int port, String target) {
        ByteBuf data = Unpooled.buffer();
        data.writeShort(priority).writeShort(weight).writeShort(port);
        for (String label : target.split("\\.")) {
            if (!label.isEmpty()) {
                data.writeByte(label.length()).writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return data.writeByte(0);
    }

    private static DnsResponse answer(long ttl, ByteBuf... records) {
        DnsResponse response = new DefaultDnsResponse(1);
        for (ByteBuf record : records) {
            response.addRecord(DnsSection.ANSWER,
                    new DefaultDnsRawRecord("_db._tcp.relay.test.", DnsRecordType.SRV, ttl, record));
        }
        return response;
    }

    @Test
    void lowestPriorityServesTheRestAreBackupsAndWeightsAreHeldInRange() {
        DnsResponse response = answer(30, srv(10, 0, 5432, "a.relay.test."), srv(10, 5000, 5433, "b.relay.test."),
                srv(20, 3, 5434, "c.relay.test."));
        try {
            SrvAnswer answer = SrvAnswer.of(response);
            assertEquals(30, answer.ttlSeconds());
            var serving = answer.endpoints().serving();
            assertEquals("a.relay.test:5432", serving.get(0).address().toString());
            assertEquals(1, serving.get(0).weight(), "weight 0 counts as 1");
            assertEquals(1000, serving.get(1).weight(), "capped at 1000");
            assertFalse(serving.get(1).backup());
            assertTrue(serving.get(2).backup(), "priority 20 is a backup");
        } finally {
            response.release();
        }
    }

    @Test
    void aDotTargetAnErrorOrAMalformedRecordIsNoPool() {
        DnsResponse dot = answer(30, srv(0, 0, 0, "."));
        DnsResponse failed = new DefaultDnsResponse(1).setCode(DnsResponseCode.NXDOMAIN);
        DnsResponse malformed = answer(30, Unpooled.wrappedBuffer(new byte[] {0, 1, 0}));
        try {
            assertNull(SrvAnswer.of(dot).endpoints());
            assertEquals("answered no SRV targets", SrvAnswer.of(dot).problem());
            assertTrue(SrvAnswer.of(failed).problem().startsWith("answered NXDomain"), SrvAnswer.of(failed).problem());
            assertEquals("answered a malformed SRV record", SrvAnswer.of(malformed).problem());
        } finally {
            dot.release();
            failed.release();
            malformed.release();
        }
    }
}

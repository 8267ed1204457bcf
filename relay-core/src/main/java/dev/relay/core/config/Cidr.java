package dev.relay.core.config;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network: {@code 10.0.0.0/8}, {@code ::1/128}, or one address ({@code 192.0.2.7}). An IPv4
 * network also matches the same addresses written as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}), which is how
 * a dual-stack listener sees IPv4 clients.
 *
 * @param network the network's address bytes, host bits zero (4 or 16 bytes)
 * @param prefix  how many leading bits must match
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        Checks.require(network != null && (network.length == 4 || network.length == 16), "a network needs 4 or 16 bytes");
        Checks.range("prefix", prefix, 0, network.length * 8);
        network = mask(network.clone(), prefix);
    }

    public static Cidr parse(String text) {
        String s = text == null ? "" : text.trim();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        byte[] address = NetUtil.createByteArrayFromIpAddressString(host);
        if (address == null) {
            throw new ConfigException("\"" + text + "\" is not a network (expected: an IP address or ADDRESS/PREFIX)");
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String bits = s.substring(slash + 1);
            if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(bits) > max) {
                throw new ConfigException("\"" + text + "\": the prefix must be 0-" + max);
            }
            prefix = Integer.parseInt(bits);
        }
        return new Cidr(address, prefix);
    }

    public boolean matches(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length == 16 && network.length == 4 && isIpv4Mapped(candidate)) {
            candidate = Arrays.copyOfRange(candidate, 12, 16);
        }
        if (candidate.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(candidate, prefix), network);
    }

    private static boolean isIpv4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && prefix == other.prefix && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            String host = network.length == 4 ? InetAddress.getByAddress(network).getHostAddress()
                    : NetUtil.toAddressString(InetAddress.getByAddress(network));
            return host + "/" + prefix;
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

}

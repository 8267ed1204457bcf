package dev.relay.core.config;

import java.time.Duration;

/**
 * How a route learns which upstreams are up.
 *
 * <p>Active checks (HAProxy's meaning): every {@code interval} each upstream gets a TCP connect that must succeed
 * within {@code timeout}; {@code fall} failures in a row mark it down, {@code rise} successes in a row mark it up
 * again. Passive ejection: {@code ejectAfter} connect failures in a row by real traffic take an upstream out for
 * {@code ejectFor}.
 *
 * @param interval   time between active checks of one upstream; zero turns active checks off
 * @param timeout    how long one check's connect may take
 * @param rise       consecutive good checks that bring a down upstream back
 * @param fall       consecutive failed checks that take an up upstream down
 * @param ejectAfter consecutive connect failures that eject an upstream; zero turns passive ejection off
 * @param ejectFor   how long an ejected upstream gets no traffic
 * @param send       on a UDP route, what each check sends in one datagram; the check then passes when any datagram
 *                   comes back within the timeout. Empty: an empty datagram, and the check fails only on an ICMP
 *                   "port unreachable" (nothing listens there). TCP routes check by connecting and have none.
 */
public record HealthCheckConfig(Duration interval, Duration timeout, int rise, int fall,
                                int ejectAfter, Duration ejectFor, String send) {

    public static final HealthCheckConfig OFF =
            new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(2), 2, 3, 0, Duration.ofSeconds(30));

    public HealthCheckConfig {
        Checks.duration("health_check.interval", interval, true);
        Checks.duration("health_check.timeout", timeout, false);
        Checks.range("health_check.rise", rise, 1, 1000);
        Checks.range("health_check.fall", fall, 1, 1000);
        Checks.range("health_check.eject_after", ejectAfter, 0, 1000);
        Checks.duration("health_check.eject_for", ejectFor, false);
        Checks.require(send != null, "health_check.send: missing (use \"\")");
        Checks.range("health_check.send (bytes)", send.length(), 0, UdpOptions.LARGEST_DATAGRAM);
    }

    /** Checks that send nothing: TCP's, or UDP's by ICMP alone. */
    public HealthCheckConfig(Duration interval, Duration timeout, int rise, int fall, int ejectAfter,
                             Duration ejectFor) {
        this(interval, timeout, rise, fall, ejectAfter, ejectFor, "");
    }

    public boolean activeChecks() {
        return !interval.isZero();
    }

    public boolean passiveEjection() {
        return ejectAfter > 0;
    }
}

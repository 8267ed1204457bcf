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
 */
public record HealthCheckConfig(Duration interval, Duration timeout, int rise, int fall,
                                int ejectAfter, Duration ejectFor) {

    public static final HealthCheckConfig OFF =
            new HealthCheckConfig(Duration.ZERO, Duration.ofSeconds(2), 2, 3, 0, Duration.ofSeconds(30));

    public HealthCheckConfig {
        Checks.duration("health_check.interval", interval, true);
        Checks.duration("health_check.timeout", timeout, false);
        Checks.range("health_check.rise", rise, 1, 1000);
        Checks.range("health_check.fall", fall, 1, 1000);
        Checks.range("health_check.eject_after", ejectAfter, 0, 1000);
        Checks.duration("health_check.eject_for", ejectFor, false);
    }

    public boolean activeChecks() {
        return !interval.isZero();
    }

    public boolean passiveEjection() {
        return ejectAfter > 0;
    }
}

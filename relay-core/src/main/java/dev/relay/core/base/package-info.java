/**
 * The ground floor: small helpers any package may use and that use none of relay's packages. How addresses are
 * written in logs ({@link dev.relay.core.base.Addresses}), how failures are told in one line
 * ({@link dev.relay.core.base.Failures}), and warnings at most once per interval
 * ({@link dev.relay.core.base.RateLimitedLog}), and which way bytes move ({@link dev.relay.core.base.Direction}).
 */
package dev.relay.core.base;

/**
 * relay as a library: start a {@link dev.relay.core.RelayServer} from a {@link dev.relay.core.config.RelayConfig}
 * and it relays every client on its listen address to its target, both ways.
 *
 * <pre>
 * client &lt;--&gt; [ relay: FrontendHandler -&gt; RelayHandler | RelayHandler ] &lt;--&gt; upstream
 * </pre>
 *
 * <p>Non-goals here: no {@code main}, no argv, no {@code System.exit}; the command line lives in relay-cli.
 */
package dev.relay.core;

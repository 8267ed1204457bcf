/** TLS termination: certificates from PEM files, chosen by SNI, with OpenSSL where it loads. */
package dev.relay.core.tls;

/** The YAML config file: parsed into the core's immutable config records, every problem reported with its line. */
package dev.relay.core.config.file;

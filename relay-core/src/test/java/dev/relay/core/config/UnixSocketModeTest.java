package dev.relay.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnixSocketModeTest {

    @Test
    void readsOctalAsChmodDoes() {
        assertEquals(0660, UnixSocketMode.parse("0660").bits());
        assertEquals(0660, UnixSocketMode.parse("660").bits());
        assertEquals("0660", UnixSocketMode.parse("660").toString());
        assertEquals(PosixFilePermissions.fromString("rw-r-----"), UnixSocketMode.parse("0640").permissions());
        assertEquals(PosixFilePermissions.fromString("rwxrw-rw-"), UnixSocketMode.parse("0766").permissions());
        assertTrue(UnixSocketMode.parse("000").isSet());
        assertFalse(UnixSocketMode.FROM_UMASK.isSet());
        assertEquals("umask", UnixSocketMode.FROM_UMASK.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"999", "0x1", "66", "1777", "rw-rw----", ""})
    void anythingElseIsNamed(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> UnixSocketMode.parse(text));
        assertEquals("\"" + text + "\" is not a mode (expected: octal permission bits, e.g. 0660)", e.getMessage());
    }
}

package dev.relay.core.config;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The permission bits the routes' Unix socket listeners get once bound, such as {@code 0660}; or, by default, what
 * the process's umask leaves. A client needs write permission on a socket file to connect, so under a service
 * manager's umask (0022) and a user of its own, no other user could connect without it.
 *
 * @param bits the mode, 0 to 0777, or -1 for the umask's
 */
public record UnixSocketMode(int bits) {

    public static final UnixSocketMode FROM_UMASK = new UnixSocketMode(-1);
    private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");
    /** Owner, group, others: read, write, execute, from the highest bit down, as {@code ls -l} shows them. */
    private static final PosixFilePermission[] BY_BIT = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

    public UnixSocketMode {
        Checks.require(bits >= -1 && bits <= 0777,
                "unix_socket_mode: " + Integer.toOctalString(bits) + " (expected: 000-777)");
    }

    /** {@code 660} or {@code 0660}: octal, as chmod takes it. */
    public static UnixSocketMode parse(String text) {
        String value = text == null ? "" : text.strip();
        Checks.require(OCTAL.matcher(value).matches(),
                "\"" + text + "\" is not a mode (expected: octal permission bits, e.g. 0660)");
        return new UnixSocketMode(Integer.parseInt(value, 8));
    }

    /** Whether a mode was given, rather than left to the umask. */
    public boolean isSet() {
        return bits >= 0;
    }

    public Set<PosixFilePermission> permissions() {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BY_BIT.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                permissions.add(BY_BIT[i]);
            }
        }
        return permissions;
    }

    @Override
    public String toString() {
        return isSet() ? String.format("%04o", bits) : "umask";
    }
}

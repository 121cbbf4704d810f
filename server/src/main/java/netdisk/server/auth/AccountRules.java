package netdisk.server.auth;

import java.util.Optional;

import netdisk.server.storage.Name;

/**
 * What a new account must look like, for the operator's {@code user add} and for self-registration alike.
 *
 * <p>User names are stricter than a {@link Name}: a user name ends up in logs, in prompts and on the operator's command
 * line, so it is kept to what needs no quoting. Letters of any script count ({@code 张伟} is a fine name), as
 * {@link Character#isLetterOrDigit(int)} says.
 */
public final class AccountRules {

    public static final int MAX_USER_NAME_LENGTH = 64;
    /** The user-name rule as help texts show it. */
    public static final String USER_NAME_RULE = "1 to " + MAX_USER_NAME_LENGTH
            + " letters (any script), digits, '.', '_' or '-'; not '.' or '..'";
    /** Shortest password, in characters (code points). */
    public static final int MIN_PASSWORD_LENGTH = 8;

    private AccountRules() {
    }

    /** Why {@code value} cannot be a new user name, if it cannot. */
    public static Optional<String> userNameProblem(String value) {
        int length = value.codePointCount(0, value.length());
        if (length == 0) {
            return Optional.of("empty");
        }
        if (length > MAX_USER_NAME_LENGTH) {
            return Optional.of(length + " characters");
        }
        int bad = value.codePoints().filter(c -> !Character.isLetterOrDigit(c) && c != '.' && c != '_' && c != '-')
                .findFirst().orElse(-1);
        if (bad >= 0) {
            return Optional.of("contains " + (Character.isISOControl(bad)
                    ? String.format("control character U+%04X", bad) : "'" + Character.toString(bad) + "'"));
        }
        if (value.equals(".") || value.equals("..")) {
            return Optional.of("reserved");
        }
        return Name.isValid(value) ? Optional.empty()
                : Optional.of("more than " + Name.MAX_BYTES + " bytes in UTF-8");
    }

    /** Why {@code password} is refused, if it is. */
    public static Optional<String> passwordProblem(char[] password) {
        int length = Character.codePointCount(password, 0, password.length);
        if (length < MIN_PASSWORD_LENGTH) {
            return Optional.of((length == 0 ? "the password is empty" : "the password is too short")
                    + ": it needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        return Optional.empty();
    }
}

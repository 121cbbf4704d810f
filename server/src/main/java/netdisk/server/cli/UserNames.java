package netdisk.server.cli;

import netdisk.server.storage.Name;

import picocli.CommandLine;

/**
 * The rule for new user names, stricter than a {@link Name}: a user name ends up in logs, in prompts and on the
 * operator's command line, so it is kept to what needs no quoting. Letters of any script count ({@code 张伟} is a fine
 * name), as {@link Character#isLetterOrDigit(int)} says.
 */
final class UserNames implements CommandLine.ITypeConverter<Name> {

    static final int MAX_LENGTH = 64;
    /** The rule as the help shows it. */
    static final String RULE = "1 to " + MAX_LENGTH + " letters (any script), digits, '.', '_' or '-'; not '.' or '..'";

    @Override
    public Name convert(String value) {
        String problem = problem(value);
        if (problem != null) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a user name: " + problem
                    + " (a user name is " + RULE + ")");
        }
        return Name.of(value);
    }

    /**
     * Any valid {@link Name}, for commands that find an existing user: an account whose name predates the rule (or
     * came another way) can still be changed and deleted.
     */
    static final class Existing implements CommandLine.ITypeConverter<Name> {
        @Override
        public Name convert(String value) {
            try {
                return Name.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a user name: "
                        + e.getMessage());
            }
        }
    }

    private static String problem(String value) {
        int length = value.codePointCount(0, value.length());
        if (length == 0) {
            return "empty";
        }
        if (length > MAX_LENGTH) {
            return length + " characters";
        }
        int bad = value.codePoints().filter(c -> !Character.isLetterOrDigit(c) && c != '.' && c != '_' && c != '-')
                .findFirst().orElse(-1);
        if (bad >= 0) {
            return "contains " + (Character.isISOControl(bad) ? String.format("control character U+%04X", bad)
                    : "'" + Character.toString(bad) + "'");
        }
        if (value.equals(".") || value.equals("..")) {
            return "reserved";
        }
        return Name.isValid(value) ? null : "more than " + Name.MAX_BYTES + " bytes in UTF-8";
    }
}

package netdisk.server.cli;

import netdisk.server.auth.AccountRules;
import netdisk.server.storage.Name;

import picocli.CommandLine;

/** New user names as a picocli converter: {@link AccountRules#userNameProblem}. */
final class UserNames implements CommandLine.ITypeConverter<Name> {

    /** The rule as the help shows it. */
    static final String RULE = AccountRules.USER_NAME_RULE;

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
        return AccountRules.userNameProblem(value).orElse(null);
    }
}

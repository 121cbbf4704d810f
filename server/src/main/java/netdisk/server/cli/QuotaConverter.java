package netdisk.server.cli;

import java.util.OptionalLong;

import netdisk.server.ByteSizes;

import picocli.CommandLine;

/** A quota on the command line: a size as {@link ByteSizes#parse} reads it, or {@code none} for no quota. */
final class QuotaConverter implements CommandLine.ITypeConverter<OptionalLong> {

    static final String NONE = "none";

    @Override
    public OptionalLong convert(String value) {
        if (value.equals(NONE)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(ByteSizes.parse(value));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage() + ", or " + NONE);
        }
    }

    /** {@code 10 GiB} or {@code none}. */
    static String format(OptionalLong quota) {
        return quota.isPresent() ? ByteSizes.format(quota.getAsLong()) : NONE;
    }
}

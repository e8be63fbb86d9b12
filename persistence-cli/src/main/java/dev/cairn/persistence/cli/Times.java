package dev.cairn.persistence.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the TIME of {@code --since} and {@code --until}, and formats instants for text output.
 *
 * <p>Accepted: an ISO-8601 instant or offset date-time ({@code 2025-03-01T10:15:30Z},
 * {@code 2025-03-01T11:15:30+01:00}), a date-time without offset or a date, read as UTC
 * ({@code 2025-03-01T10:15}, {@code 2025-03-01}), or a time ago: a number and {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 90m}, {@code 2h}, {@code 7d}).
 */
final class Times {
    /** What TIME may be, for help and error messages. */
    static final String FORMATS = "an ISO-8601 time (2025-03-01T10:15:30Z, 2025-03-01T11:15+01:00), "
            + "a UTC date or date-time (2025-03-01, 2025-03-01T10:15), or a time ago (90s, 15m, 2h, 7d)";
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private Times() {
    }

    static Instant parse(String option, String text, Clock clock) {
        String t = text.strip();
        Matcher m = AGO.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw CliException.usage("Invalid " + option + " '" + text + "': expected " + FORMATS);
        }
    }

    /** @return the instant in UTC to the millisecond, e.g. {@code 2025-03-01T10:15:30.123Z} */
    static String text(Instant instant) {
        Instant ms = instant.truncatedTo(ChronoUnit.MILLIS);
        String s = ms.toString();
        return ms.getNano() == 0 ? s.replace("Z", ".000Z") : s;
    }
}

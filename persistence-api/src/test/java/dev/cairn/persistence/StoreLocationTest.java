package dev.cairn.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreLocationTest {

    @Test
    void parsesSchemeTargetAndOptionsInOrder() {
        StoreLocation l = StoreLocation.parse("sqlite:./.cairn-data?durability=power-loss&readers=4");
        assertEquals("sqlite", l.scheme());
        assertEquals("./.cairn-data", l.target());
        assertEquals(Map.of("durability", "power-loss", "readers", "4"), l.options());
        assertEquals("[durability, readers]", l.options().keySet().toString());
        assertEquals(Optional.of("4"), l.option("readers"));
        assertEquals(Optional.empty(), l.option("missing"));
    }

    @Test
    void acceptsEmptyTargetAndEmptyQuery() {
        assertEquals(new StoreLocation("memory", "", Map.of()), StoreLocation.parse("memory:"));
        assertEquals(new StoreLocation("memory", "", Map.of()), StoreLocation.parse("memory:?"));
        assertEquals("shared", StoreLocation.parse("memory:shared").target());
    }

    @Test
    void keepsWindowsPathsAndColonsInTheTarget() {
        StoreLocation l = StoreLocation.parse("sqlite:C:\\data\\cairn");
        assertEquals("sqlite", l.scheme());
        assertEquals("C:\\data\\cairn", l.target());
    }

    @Test
    void percentDecodesOptionValuesAndRoundTrips() {
        StoreLocation l = StoreLocation.parse("postgres://db:5432/app?user=a%20b&note=x%2By+z");
        assertEquals("a b", l.option("user").orElseThrow());
        assertEquals("x+y+z", l.option("note").orElseThrow());
        assertEquals(l, StoreLocation.parse(l.toUriString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sqlite", ":x", "SQLITE:x", "1db:x", "sq lite:x", "sqlite:x?=v", "sqlite:x?k",
        "sqlite:x?a=1&a=2", "sqlite:x?k=%zz", "sqlite:x?bad key=1", "sqlite:x?k=1&"})
    void rejectsMalformedLocationsWithAClearMessage(String location) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> StoreLocation.parse(location));
        assertTrue(e.getMessage().startsWith("Invalid") || e.getMessage().contains("given twice"), e.getMessage());
        assertTrue(e.getMessage().contains("expected") || e.getMessage().contains(": "), "says what is allowed");
    }

    @Test
    void rejectsNull() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> StoreLocation.parse(null));
        assertEquals("location", e.getMessage());
    }

    @Test
    void redactsSecretLookingOptionsAndUserInfoPasswords() {
        StoreLocation l = StoreLocation.parse(
                "postgres://alice:s3cr3t@db/app?password=hunter2&apiKey=k-123&access_token=t&durability=fast");
        String shown = l.toString();
        assertFalse(shown.contains("hunter2"), shown);
        assertFalse(shown.contains("k-123"), shown);
        assertFalse(shown.contains("s3cr3t"), shown);
        assertFalse(shown.contains("=t&"), shown);
        assertTrue(shown.contains("password=REDACTED"), shown);
        assertTrue(shown.contains("//alice:REDACTED@db"), shown);
        assertTrue(shown.contains("durability=fast"), shown);
        assertTrue(l.toUriString().contains("hunter2"));
    }

    @Test
    void errorMessagesDoNotLeakSecrets() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> StoreLocation.parse("pg://u:pw@h?password=hunter2&password=again"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("pw@"), e.getMessage());
        StoreLocation l = StoreLocation.parse("x:y?token=abc");
        InvalidRequestException bad = assertThrows(InvalidRequestException.class, () -> l.intOption("token", 1, 0, 9));
        assertFalse(bad.getMessage().contains("abc"), bad.getMessage());
    }

    @Test
    void refusesUnknownOptionsNamingTheAllowedOnes() {
        StoreLocation l = StoreLocation.parse("sqlite:x?durablity=full");
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> l.requireKnownOptions(Set.of("durability", "readers")));
        assertTrue(e.getMessage().contains("'durablity'"), e.getMessage());
        assertTrue(e.getMessage().contains("[durability, readers]"), e.getMessage());
        StoreLocation.parse("sqlite:x?durability=full").requireKnownOptions(Set.of("durability"));
    }

    @Test
    void typedOptionsValidateBounds() {
        StoreLocation l = StoreLocation.parse("sqlite:x?readers=4&level=99&mode=fast");
        assertEquals(4, l.intOption("readers", 2, 1, 64));
        assertEquals(7, l.intOption("absent", 7, 1, 64));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> l.intOption("level", 3, 1, 22));
        assertTrue(e.getMessage().contains("from 1 to 22"), e.getMessage());
        assertEquals("fast", l.choiceOption("mode", "safe", Set.of("fast", "safe")));
        assertThrows(InvalidRequestException.class, () -> l.choiceOption("mode", "safe", Set.of("safe")));
    }
}

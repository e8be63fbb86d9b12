package dev.cairn.persistence.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an export file: checks the format name and version first, then binds the whole document. */
final class ExportFile {
    private ExportFile() {
    }

    static ExportFormat.Document read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw CliException.notFound("No export file at '" + file + "'; give the path of a file that 'cairn export' wrote");
        }
        checkHeader(file);
        try (InputStream in = Files.newInputStream(file)) {
            return Json.MAPPER.readValue(in, ExportFormat.Document.class);
        } catch (JsonProcessingException e) {
            throw CliException.usage("'" + file + "' is not a valid " + ExportFormat.NAME + " v" + ExportFormat.VERSION
                    + " file: " + Errors.oneLine(e.getOriginalMessage()) + " at line " + line(e)
                    + "; see persistence-cli/EXPORT-FORMAT.md");
        } catch (NoSuchFileException e) {
            throw CliException.notFound("No export file at '" + file + "'");
        }
    }

    /** Finds the top-level format and formatVersion fields without binding the rest. */
    private static void checkHeader(Path file) throws IOException {
        String format = null;
        Integer version = null;
        try (InputStream in = Files.newInputStream(file); JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw notExport(file, "it does not start with a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME && (format == null || version == null)) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("format") && value == JsonToken.VALUE_STRING) {
                    format = p.getText();
                } else if (field.equals("formatVersion") && value == JsonToken.VALUE_NUMBER_INT) {
                    version = p.getIntValue();
                } else {
                    p.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw notExport(file, "it is not JSON (" + Errors.oneLine(e.getOriginalMessage()) + ")");
        }
        if (!ExportFormat.NAME.equals(format)) {
            throw notExport(file, "its \"format\" is " + (format == null ? "missing" : "'" + format + "'"));
        }
        if (version == null || version < 1) {
            throw notExport(file, "its \"formatVersion\" is missing or invalid");
        }
        if (version > ExportFormat.VERSION) {
            throw CliException.usage("'" + file + "' is " + ExportFormat.NAME + " version " + version
                    + ", newer than this cairn reads (" + ExportFormat.VERSION + "); import it with a newer cairn");
        }
    }

    private static CliException notExport(Path file, String why) {
        return CliException.usage("'" + file + "' is not a Cairn export: " + why
                + "; give a file that 'cairn export' wrote (format \"" + ExportFormat.NAME + "\")");
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "?" : String.valueOf(e.getLocation().getLineNr());
    }
}

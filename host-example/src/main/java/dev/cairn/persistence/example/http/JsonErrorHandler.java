package dev.cairn.persistence.example.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The error pages Jetty writes itself (a request it cannot parse, a URI or header too long, an
 * illegal path such as {@code %00}) in the API's JSON, {@code {"error", "detail"}}, instead of
 * HTML, in the API's own words.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    JsonErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(body(status));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message)
            throws IOException {
        write(baseRequest, response, code);
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                              HttpServletResponse response, int code, String message,
                                              String contentType) throws IOException {
        write(baseRequest, response, code);
    }

    private static void write(Request baseRequest, HttpServletResponse response, int code) throws IOException {
        byte[] body = body(code);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        baseRequest.setHandled(true);
    }

    static byte[] body(int status) {
        String json = "{\"error\":\"" + Errors.code(status) + "\",\"detail\":\"" + detail(status) + "\"}\n";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String detail(int status) {
        return switch (status) {
            case 400 -> "The request is not valid HTTP/1.1 (its line, a header, the path or the body's framing)";
            case 404 -> "No such route";
            case 405 -> "This method is not allowed here";
            case 408 -> "The request took too long to arrive";
            case 413 -> "The request body is too large";
            case 414 -> "The request's URI is too long (at most 8 KiB)";
            case 431 -> "The request's headers are too large (at most 8 KiB)";
            case 501 -> "This method is not implemented";
            case 505 -> "Only HTTP/1.0 and HTTP/1.1 are served";
            default -> status >= 500 ? "The server could not handle the request" : "The request was refused";
        };
    }
}

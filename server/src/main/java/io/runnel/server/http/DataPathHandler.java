package io.runnel.server.http;

import io.runnel.sql.datapath.DataPathService;
import io.runnel.storage.format.wire.DataPathProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;

/**
 * The HTTP side of the driver's data path: {@code POST /runnel/v1/insert-plan} and
 * {@code POST /runnel/v1/produce} and {@code POST /runnel/v1/fetch} (docs/format/data-path-protocol.md). Reads the body (whose size
 * {@link SqlEndpointHandler} has already bounded by {@code max_request_bytes}), lets
 * {@link DataPathService} answer, and writes the answer with HTTP 200 — errors travel inside the
 * body as data-path error messages, like Avatica's; HTTP errors mean the request never reached
 * the data path (wrong method, unknown path, unreadable body).
 *
 * <p>Thread-safe: Jetty calls it from its request threads; it keeps no state.
 */
public final class DataPathHandler {
    private final DataPathService service;

    public DataPathHandler(DataPathService service) {
        this.service = service;
    }

    /** Whether {@code target} is a data-path URL. */
    public static boolean handles(String target) {
        return target.startsWith("/runnel/");
    }

    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response,
            long maxRequestBytes) throws IOException {
        baseRequest.setHandled(true);
        boolean plan = DataPathProtocol.INSERT_PLAN_PATH.equals(target);
        boolean fetch = DataPathProtocol.FETCH_PATH.equals(target);
        if (!plan && !fetch && !DataPathProtocol.PRODUCE_PATH.equals(target)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND, "no data-path endpoint " + target);
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, target + " answers POST only");
            return;
        }
        ByteBuffer body = ByteBuffer.wrap(readBody(request.getInputStream(), request.getContentLengthLong(), maxRequestBytes));
        byte[] answer = plan ? service.insertPlan(body) : fetch ? service.fetch(body) : service.produce(body);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(DataPathProtocol.CONTENT_TYPE);
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }

    /** The whole body, refusing more than {@code maxBytes} even when the client sent no Content-Length. */
    private static byte[] readBody(InputStream in, long contentLength, long maxBytes) throws IOException {
        if (contentLength >= 0) {
            return in.readNBytes((int) contentLength);
        }
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            throw new IOException("data-path request body exceeds " + maxBytes + " bytes (server setting max_request_bytes)");
        }
        return body;
    }
}

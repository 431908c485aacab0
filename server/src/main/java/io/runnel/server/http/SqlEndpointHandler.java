package io.runnel.server.http;

import io.runnel.engine.SqlStates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * The one HTTP endpoint of the SQL port: {@code GET /metrics} answers with the Prometheus text;
 * {@code POST /runnel/v1/...} is the driver's data path ({@link DataPathHandler}, design note 0008);
 * everything else is Avatica's protobuf protocol (design note 0003 §1). A request body larger than
 * {@code max_request_bytes} is refused before it is read, with an Avatica error (SQLSTATE 54000) that
 * the client raises as an {@code SQLException}.
 *
 * <p>Thread-safe: Jetty calls it from its request threads.
 */
public final class SqlEndpointHandler extends AbstractHandler {
    private final AvaticaProtobufHandler avatica;
    private final MetricsWriter metrics;
    private final long maxRequestBytes;
    private final DataPathHandler dataPath;
    private final ProtobufTranslation translation = new ProtobufTranslationImpl();

    public SqlEndpointHandler(AvaticaProtobufHandler avatica, MetricsWriter metrics, long maxRequestBytes) {
        this(avatica, metrics, maxRequestBytes, null);
    }

    /** @param dataPath the driver's data path ({@code /runnel/v1/...}), or null to serve Avatica only */
    public SqlEndpointHandler(AvaticaProtobufHandler avatica, MetricsWriter metrics, long maxRequestBytes,
            DataPathHandler dataPath) {
        this.avatica = avatica;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
        this.dataPath = dataPath;
    }

    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if ("/metrics".equals(target)) {
            if (!"GET".equals(request.getMethod())) {
                response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "/metrics answers GET only");
                baseRequest.setHandled(true);
                return;
            }
            byte[] body = metrics.write().getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/plain; version=0.0.4; charset=utf-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            baseRequest.setHandled(true);
            return;
        }
        long length = request.getContentLengthLong();
        if (length > maxRequestBytes) {
            Service.ErrorResponse error = new Service.ErrorResponse(java.util.List.of(),
                    "Request of " + length + " bytes exceeds the limit of " + maxRequestBytes
                            + " bytes (server setting max_request_bytes); send smaller batches",
                    -1, SqlStates.PROGRAM_LIMIT_EXCEEDED, AvaticaSeverity.ERROR, null);
            byte[] body = translation.serializeResponse(error);
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            response.setContentType("application/octet-stream;charset=utf-8");
            response.getOutputStream().write(body);
            baseRequest.setHandled(true);
            return;
        }
        if (dataPath != null && DataPathHandler.handles(target)) {
            dataPath.handle(target, baseRequest, request, response, maxRequestBytes);
            return;
        }
        avatica.handle(target, baseRequest, request, response);
    }

    @Override
    protected void doStart() throws Exception {
        avatica.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        avatica.stop();
    }
}

package dev.relay.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.relay.core.base.RelayStartException;
import dev.relay.core.server.ReloadResult;
import dev.relay.core.capture.PcapCapture;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.file.ConfigFileException;
import dev.relay.core.config.file.ConfigProblem;
import dev.relay.core.http.RequestTarget;
import dev.relay.core.base.RateLimitedLog;
import dev.relay.core.proxy.CloseReason;
import dev.relay.core.proxy.ConnectionSummary;
import dev.relay.core.proxy.RelayConnection;
import dev.relay.core.proxy.RouteContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Answers one admin connection's requests. Everything that reads runs here, on the event loop, from state that
 * is safe to read from any thread; what may block (a reload binds sockets) runs on the admin's own worker, and
 * the answer comes back to this loop. Every failure is a JSON error with its status, never a stack trace.
 *
 * <p>Over 300 lines, knowingly: the routing and every endpoint group are still one handler; a routing table shared
 * with the Toxiproxy API (the {@code http} package) and one class per endpoint group are the planned split.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final int DEFAULT_CONNECTION_LIMIT = 1_000;
    private static final int MAX_CONNECTION_LIMIT = 100_000;
    /** Failed requests are logged in one line each, a few a minute at most: a client cannot flood the log. */
    private static final RateLimitedLog failures = new RateLimitedLog(log, 10_000);

    private final RelayControl relay;
    private final BearerToken token;
    private final Executor worker;
    private final byte[] statusPage;
    private final ConnectionSnapshots snapshots;

    AdminHandler(RelayControl relay, BearerToken token, Executor worker, byte[] statusPage,
                 ConnectionSnapshots snapshots) {
        this.relay = relay;
        this.token = token;
        this.worker = worker;
        this.statusPage = statusPage;
        this.snapshots = snapshots;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            sendError(ctx, false, new ApiException(HttpResponseStatus.BAD_REQUEST, "malformed request"));
            return;
        }
        RequestTarget target;
        try {
            target = RequestTarget.of(request.uri());
        } catch (RequestTarget.Malformed e) {
            sendError(ctx, keepAlive, new ApiException(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
            return;
        }
        // The status page itself holds no data: a browser, which sends no Authorization header, may load it, and
        // its script sends the token from the address's #token=... with every API call.
        boolean statusPage = target.path().equals("/") && request.method().equals(HttpMethod.GET);
        if (token != null && !statusPage && !token.admits(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            FullHttpResponse denied = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED);
            denied.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
            send(ctx, keepAlive, denied);
            return;
        }
        try {
            dispatch(ctx, keepAlive, request.method(), target);
        } catch (ApiException e) {
            sendError(ctx, keepAlive, e);
        } catch (RuntimeException e) {
            failures.warn("admin: {} {} failed: {}", request.method(), target.path(), e.toString());
            sendError(ctx, keepAlive, new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
        }
    }

    private void dispatch(ChannelHandlerContext ctx, boolean keepAlive, HttpMethod method, RequestTarget target) {
        List<String> parts = target.segments();
        String path = target.path();
        switch (path) {
            case "/" -> {
                allow(method, HttpMethod.GET);
                send(ctx, keepAlive, HttpResponseStatus.OK, "text/html; charset=utf-8", statusPage);
            }
            case "/metrics" -> {
                allow(method, HttpMethod.GET);
                sendMetrics(ctx, keepAlive);
            }
            case "/api/health" -> {
                allow(method, HttpMethod.GET);
                boolean stopping = relay.isStopping();
                sendJson(ctx, keepAlive, stopping ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                        new Views.Health(stopping ? "draining" : "serving"));
            }
            case "/api/routes" -> {
                allow(method, HttpMethod.GET);
                sendJson(ctx, keepAlive, HttpResponseStatus.OK, routes());
            }
            case "/api/connections" -> {
                allow(method, HttpMethod.GET);
                listConnections(ctx, keepAlive, target);
            }
            case "/api/reload" -> {
                allow(method, HttpMethod.POST);
                reload(ctx, keepAlive);
            }
            default -> {
                if (parts.size() == 3 && path.startsWith("/api/connections/")) {
                    allow(method, HttpMethod.DELETE);
                    closeConnection(ctx, keepAlive, parts.get(2));
                } else if (parts.size() == 4 && path.startsWith("/api/routes/")) {
                    allow(method, HttpMethod.POST);
                    routeAction(ctx, keepAlive, route(parts.get(2)), parts.get(3), target);
                } else {
                    throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path);
                }
            }
        }
    }

    private static void allow(HttpMethod method, HttpMethod expected) {
        if (!method.equals(expected)) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " not allowed here (expected: "
                    + expected + ")");
        }
    }

    private RouteContext route(String name) {
        RouteContext route = relay.routes().get(name);
        if (route == null) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "no route named " + name);
        }
        return route;
    }

    private Views.Routes routes() {
        List<Views.Route> routes = new ArrayList<>();
        for (RouteContext route : relay.routes().values()) {
            PcapCapture capture = route.capture();
            routes.add(Views.Route.of(route, relay.localAddresses(route.name()), capture == null ? null
                    : new Views.Capture(capture.file().toString(), capture.enabled(), capture.bytesWritten())));
        }
        return new Views.Routes(routes);
    }

    private void sendMetrics(ChannelHandlerContext ctx, boolean keepAlive) {
        ByteBuf body = ctx.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            relay.metrics().writeTo(out);
        } catch (IOException e) {
            body.release();
            throw new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cannot write metrics");
        }
        send(ctx, keepAlive, HttpResponseStatus.OK, relay.metrics().contentType(), body);
    }

    /** Each connection's figures are taken on its own loop (ConnectionSnapshots); the answer, once all are in. */
    private void listConnections(ChannelHandlerContext ctx, boolean keepAlive, RequestTarget uri) {
        String routeFilter = uri.parameter("route");
        if (routeFilter != null) {
            route(routeFilter);
        }
        int limit = intParam(uri, "limit", DEFAULT_CONNECTION_LIMIT, 1, MAX_CONNECTION_LIMIT);
        List<RelayConnection> chosen = new ArrayList<>();
        boolean truncated = false;
        for (RelayConnection connection : relay.connections().connections()) {
            if (routeFilter != null && !connection.route().equals(routeFilter)) {
                continue;
            }
            if (chosen.size() == limit) {
                truncated = true;
                break;
            }
            chosen.add(connection);
        }
        boolean cut = truncated;
        snapshots.take(chosen).thenAccept(summaries -> ctx.executor().execute(() -> sendJson(ctx, keepAlive,
                HttpResponseStatus.OK, new Views.Connections(summaries.stream().map(Views.Connection::of).toList(), cut))));
    }

    private void closeConnection(ChannelHandlerContext ctx, boolean keepAlive, String idText) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "\"" + idText + "\" is not a connection id");
        }
        RelayConnection connection = relay.connections().connections().stream()
                .filter(c -> c.id() == id).findFirst()
                .orElseThrow(() -> new ApiException(HttpResponseStatus.NOT_FOUND, "no open connection " + id));
        connection.client().eventLoop().execute(() -> connection.close(CloseReason.CLOSED_BY_OPERATOR));
        sendJson(ctx, keepAlive, HttpResponseStatus.OK, new Views.Closed(id));
    }

    private void routeAction(ChannelHandlerContext ctx, boolean keepAlive, RouteContext route, String action,
                             RequestTarget uri) {
        switch (action) {
            case "drain", "resume" -> {
                route.draining(action.equals("drain"));
                sendJson(ctx, keepAlive, HttpResponseStatus.OK,
                        new Views.Draining(route.name(), route.draining(), route.openConnections()));
            }
            case "capture" -> {
                PcapCapture capture = route.capture();
                if (capture == null) {
                    throw new ApiException(HttpResponseStatus.CONFLICT, "route " + route.name()
                            + " has no capture file in its config");
                }
                String enabled = uri.parameter("enabled");
                if (!"true".equals(enabled) && !"false".equals(enabled)) {
                    throw new ApiException(HttpResponseStatus.BAD_REQUEST, "enabled must be true or false");
                }
                capture.enabled(Boolean.parseBoolean(enabled));
                sendJson(ctx, keepAlive, HttpResponseStatus.OK,
                        new Views.Capture(capture.file().toString(), capture.enabled(), capture.bytesWritten()));
            }
            default -> throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + uri.path());
        }
    }

    /** A reload binds sockets and reads a file: it runs on the admin worker, never on this loop. */
    private void reload(ChannelHandlerContext ctx, boolean keepAlive) {
        if (!relay.hasConfigSource()) {
            throw new ApiException(HttpResponseStatus.NOT_IMPLEMENTED,
                    "this relay was not started from a config file: nothing to reload");
        }
        worker.execute(() -> {
            Object answer;
            HttpResponseStatus status = HttpResponseStatus.OK;
            try {
                ReloadResult result = relay.reloadFromSource();
                answer = new Views.Reloaded(result.added(), result.changed(), result.removed(), result.notApplied());
            } catch (ConfigFileException e) {
                status = HttpResponseStatus.UNPROCESSABLE_ENTITY;
                List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
                log.error("reload (admin API) failed, still running the previous config: {}",
                        String.join("; ", problems));
                answer = new Views.Error("invalid config; still running the previous one", problems);
            } catch (RelayStartException | ConfigException | IllegalStateException e) {
                status = HttpResponseStatus.UNPROCESSABLE_ENTITY;
                log.error("reload (admin API) failed, still running the previous config: {}", e.getMessage());
                answer = new Views.Error(e.getMessage() + "; still running the previous config", List.of());
            } catch (RuntimeException e) {
                failures.warn("admin: reload failed: {}", e.toString());
                status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                answer = new Views.Error("reload failed: " + e + "; still running the previous config", List.of());
            }
            HttpResponseStatus finalStatus = status;
            Object finalAnswer = answer;
            ctx.executor().execute(() -> sendJson(ctx, keepAlive, finalStatus, finalAnswer));
        });
    }

    private static int intParam(RequestTarget uri, String name, int otherwise, int min, int max) {
        String text = uri.parameter(name);
        if (text == null) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(HttpResponseStatus.BAD_REQUEST, name + " must be a number from " + min + " to " + max);
    }

    private void sendError(ChannelHandlerContext ctx, boolean keepAlive, ApiException e) {
        sendJson(ctx, keepAlive, e.status(), new Views.Error(e.getMessage(), e.problems()));
    }

    private void sendJson(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            log.warn("admin: cannot write a {} as JSON", body.getClass().getSimpleName(), e);
            json = "{\"error\":\"internal error\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
        }
        send(ctx, keepAlive, status, "application/json", json);
    }

    private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type, byte[] body) {
        send(ctx, keepAlive, status, type, Unpooled.wrappedBuffer(body));
    }

    private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        send(ctx, keepAlive, response);
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}

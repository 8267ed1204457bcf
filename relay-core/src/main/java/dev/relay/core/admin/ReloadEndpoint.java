package dev.relay.core.admin;

import dev.relay.core.base.RelayStartException;
import dev.relay.core.config.ConfigException;
import dev.relay.core.config.file.ConfigFileException;
import dev.relay.core.config.file.ConfigProblem;
import dev.relay.core.http.HttpError;
import dev.relay.core.http.Reply;
import dev.relay.core.http.Routes;
import dev.relay.core.server.ReloadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** Reload from the config file, as SIGHUP does: a reload binds sockets and reads a file, so it runs on the worker. */
final class ReloadEndpoint {

    private static final Logger log = LoggerFactory.getLogger(ReloadEndpoint.class);

    private final RelayControl relay;
    private final Executor worker;

    ReloadEndpoint(RelayControl relay, Executor worker) {
        this.relay = relay;
        this.worker = worker;
    }

    void addTo(Routes routes) {
        routes.addLater("POST", "/api/reload", request -> reload());
    }

    private CompletionStage<Reply> reload() {
        if (!relay.hasConfigSource()) {
            throw new HttpError(501, "this relay was not started from a config file: nothing to reload");
        }
        return CompletableFuture.supplyAsync(this::reloadNow, worker);
    }

    private Reply reloadNow() {
        try {
            ReloadResult result = relay.reloadFromSource();
            return Reply.json(200, new Views.Reloaded(result.added(), result.changed(), result.removed(),
                    result.notApplied()));
        } catch (ConfigFileException e) {
            List<String> problems = e.problems().stream().map(ConfigProblem::toString).toList();
            log.error("reload (admin API) failed, still running the previous config: {}", String.join("; ", problems));
            throw new HttpError(422, "invalid config; still running the previous one", problems);
        } catch (RelayStartException | ConfigException | IllegalStateException e) {
            log.error("reload (admin API) failed, still running the previous config: {}", e.getMessage());
            throw new HttpError(422, e.getMessage() + "; still running the previous config");
        } catch (HttpError e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("admin: reload failed: {}", e.toString());
            throw new HttpError(500, "reload failed: " + e + "; still running the previous config");
        }
    }
}

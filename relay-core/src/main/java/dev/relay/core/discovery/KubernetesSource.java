package dev.relay.core.discovery;

import dev.relay.core.base.Failures;
import dev.relay.core.config.UpstreamDiscovery;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Follows a Kubernetes service's EndpointSlices (label {@code kubernetes.io/service-name}) with fabric8's informer
 * on the JDK's HTTP client: a list, then a watch, each change applied as it comes. When the API server cannot be
 * reached the informer keeps its cache and retries; the pool stays as it was (logged once, counted, shown as
 * {@code stale}) until the watch is back. The client's own threads deliver the events; nothing here runs on an
 * event loop except a once-a-second look at whether the watch is up.
 */
final class KubernetesSource implements EndpointSource {

    static final String SERVICE_LABEL = "kubernetes.io/service-name";

    private final UpstreamDiscovery.Kubernetes source;
    private final PoolUpdates updates;
    private final KubernetesClient client;
    private final SharedIndexInformer<EndpointSlice> informer;
    private final ScheduledFuture<?> watchCheck;
    private volatile String lastFailure;
    /** Looks at the watch in a row that found it down; only the timer's loop touches it. */
    private int downChecks;

    KubernetesSource(UpstreamDiscovery.Kubernetes source, PoolUpdates updates) {
        this.source = source;
        this.updates = updates;
        Config config = config(source);
        this.lastFailure = "no watch on the Kubernetes API at " + config.getMasterUrl();
        this.client = new KubernetesClientBuilder().withConfig(config).build();
        String namespace = source.namespace() != null ? source.namespace()
                : config.getNamespace() != null ? config.getNamespace() : "default";
        this.informer = client.discovery().v1().endpointSlices().inNamespace(namespace)
                .withLabel(SERVICE_LABEL, source.service()).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(EndpointSlice slice) {
                changed();
            }

            @Override
            public void onUpdate(EndpointSlice before, EndpointSlice after) {
                changed();
            }

            @Override
            public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
                changed();
            }
        });
        informer.exceptionHandler((started, failure) -> {
            lastFailure = "Kubernetes API: " + Failures.describe(failure);
            updates.failed(lastFailure);
            return true; // keep trying: the pool waits, it does not empty
        });
        informer.start().whenComplete((synced, failure) -> {
            if (failure == null) {
                changed();
            }
        });
        this.watchCheck = updates.timers().scheduleAtFixedRate(this::checkWatch, 1, 1, TimeUnit.SECONDS);
    }

    /** The kubeconfig file the route names, or the usual search: in-cluster service account, KUBECONFIG, ~/.kube. */
    private static Config config(UpstreamDiscovery.Kubernetes source) {
        if (source.kubeconfig() == null) {
            return Config.autoConfigure(null);
        }
        String text;
        try {
            text = Files.readString(source.kubeconfig());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("upstreams.kubernetes.kubeconfig: " + source.kubeconfig()
                    + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("upstreams.kubernetes.kubeconfig: cannot read " + source.kubeconfig()
                    + " (" + Failures.describe(e) + ")");
        }
        try {
            return Config.fromKubeconfig(null, text, source.kubeconfig().toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("upstreams.kubernetes.kubeconfig: " + source.kubeconfig()
                    + " is not a kubeconfig (" + Failures.describe(e) + ")");
        }
    }

    /** Called on the client's thread for each event: the pool from every slice the informer holds now. */
    private void changed() {
        if (informer.hasSynced()) {
            updates.answered(EndpointSlices.pool(informer.getStore().list(), source));
        }
    }

    /**
     * The informer retries on its own; this only tells the status (and the log, once) while its watch is down: from
     * the second look in a row that finds it so, which lets a watch that the server ends on schedule come back.
     */
    private void checkWatch() {
        if (informer.isWatching()) {
            downChecks = 0;
            changed(); // an answer that changes nothing marks the source current again
        } else if (++downChecks >= 2) {
            updates.failed(lastFailure);
        }
    }

    @Override
    public void close() {
        updates.close();
        watchCheck.cancel(false);
        informer.close();
        client.close();
    }
}

package dev.relay.core.deploy;

import dev.relay.core.config.RouteConfig;
import dev.relay.core.config.ServerConfig;
import dev.relay.core.config.UpstreamDiscovery;
import dev.relay.core.config.file.ConfigFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifests in deploy/kubernetes, read with the Kubernetes model fabric8's client carries: every document is a
 * known kind, every field is one that kind has (a misspelt field would land in the model's "additional
 * properties"), and the pieces fit: the relay config in the ConfigMap is valid, the service account the Deployment
 * runs as may list and watch EndpointSlices, the grace period outlasts preStop and the drain, the readiness probe is
 * the admin listener's health, the Service and the PodDisruptionBudget select the Deployment's pods.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("..", "deploy", "kubernetes");
    private static final KubernetesSerialization MODEL = new KubernetesSerialization();
    private static final List<HasMetadata> OBJECTS = new ArrayList<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                    if (!document.isBlank()) {
                        OBJECTS.add(MODEL.unmarshal(document, HasMetadata.class));
                    }
                }
            }
        }
    }

    private static <T extends HasMetadata> T only(Class<T> kind) {
        List<T> found = OBJECTS.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertEquals(1, found.size(), kind.getSimpleName());
        return found.get(0);
    }

    @Test
    void everyDocumentIsAKnownKindWithOnlyFieldsThatKindHas() throws Exception {
        assertEquals(7, OBJECTS.size(), "ConfigMap, Deployment, PodDisruptionBudget, ServiceAccount, Role, RoleBinding, "
                + "Service");
        for (HasMetadata object : OBJECTS) {
            assertFalse(object instanceof GenericKubernetesResource, object.getKind() + " is not a kind the model knows");
            List<String> unknown = new ArrayList<>();
            unknownFields(object, object.getKind(), unknown);
            assertTrue(unknown.isEmpty(), "fields the schema does not have: " + unknown);
        }
    }

    @Test
    void theConfigMapHoldsAValidConfigThatDiscoversItsUpstreams() {
        ConfigMap map = only(ConfigMap.class);
        ServerConfig config = ConfigFile.parse("relay.yaml", map.getData().get("relay.yaml"));
        RouteConfig route = config.routes().get(0);
        assertInstanceOf(UpstreamDiscovery.Kubernetes.class, route.discovery());
        PodSpec pod = only(Deployment.class).getSpec().getTemplate().getSpec();
        long preStop = pod.getContainers().get(0).getLifecycle().getPreStop().getSleep().getSeconds();
        assertTrue(pod.getTerminationGracePeriodSeconds() > preStop + config.drainTimeout().toSeconds(),
                "the grace period outlasts preStop and the drain");
        Container relay = pod.getContainers().get(0);
        assertEquals("/api/health", relay.getReadinessProbe().getHttpGet().getPath());
        int adminPort = relay.getPorts().stream().filter(p -> p.getName().equals("admin")).findFirst().orElseThrow()
                .getContainerPort();
        assertTrue(config.admin().listen().toString().endsWith(":" + adminPort), "the probe asks the admin listener");
    }

    @Test
    void theRelaysServiceAccountMayListAndWatchEndpointSlices() {
        String account = only(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName();
        assertEquals(only(ServiceAccount.class).getMetadata().getName(), account);
        RoleBinding binding = only(RoleBinding.class);
        assertEquals(account, binding.getSubjects().get(0).getName());
        Role role = only(Role.class);
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        var rule = role.getRules().get(0);
        assertEquals(List.of("discovery.k8s.io"), rule.getApiGroups());
        assertEquals(List.of("endpointslices"), rule.getResources());
        assertTrue(rule.getVerbs().containsAll(List.of("list", "watch")));
    }

    @Test
    void theServiceAndTheBudgetSelectTheRelayPods() {
        Map<String, String> pods = only(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(pods.entrySet().containsAll(only(Service.class).getSpec().getSelector().entrySet()));
        assertTrue(pods.entrySet().containsAll(
                only(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels().entrySet()));
    }

    /** Walks the model's getters; what a kind does not know sits in getAdditionalProperties(). */
    private static void unknownFields(Object node, String path, List<String> unknown) throws Exception {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), unknown);
            }
            return;
        }
        if (!(node instanceof KubernetesResource) && (node == null
                || !node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model"))) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (InvocationTargetException | IllegalAccessException skipped) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}

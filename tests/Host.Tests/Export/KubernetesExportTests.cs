using KrustPm.Host.Config;
using KrustPm.Host.Export;

namespace KrustPm.Host.Tests.Export;

/// <summary>
/// <c>krust-pm export kubernetes</c>: what each setting becomes (read from a real config text), and what stops the
/// export. The schemas' verdict on the bundled examples is in <see cref="ExportValidatorTests"/>.
/// </summary>
public sealed class KubernetesExportTests
{
    private const string ConfigPath = "/srv/app/krust-pm.toml";

    [Fact]
    public void A_program_without_an_image_and_no_image_option_is_an_error_and_nothing_is_exported()
    {
        var result = KubernetesExporter.Export(Load("[web]\ncommand = \"x\"\n[db]\ncommand = \"y\"\nimage = \"postgres:16\"\n"), "app", image: null);

        Assert.Empty(result.Files);
        Assert.Equal(
            ["program 'web' has no image: set image = \"IMAGE\" in [web], or give --image IMAGE (its command must exist in the image)"],
            result.Errors);
    }

    [Fact]
    public void A_programs_own_image_wins_over_the_image_option_and_the_file_says_the_command_must_exist_in_it()
    {
        var result = KubernetesExporter.Export(Load("[web]\ncommand = \"x\"\n[db]\ncommand = \"pg serve\"\nimage = \"postgres:16\"\n"), "app", "base:1");

        Assert.Contains("          image: \"base:1\"\n", File(result, "app-web.yaml"), StringComparison.Ordinal);
        var db = File(result, "app-db.yaml");
        Assert.Contains("          image: \"postgres:16\"\n", db, StringComparison.Ordinal);
        Assert.Contains("# It runs the image postgres:16: the command pg must exist in that image.\n", db, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_programs_with_the_same_kubernetes_name_are_an_error()
    {
        var result = KubernetesExporter.Export(Load("[a_b]\ncommand = \"x\"\n[a-b]\ncommand = \"y\"\n"), "app", "base:1");

        Assert.Equal(["programs 'a_b' and 'a-b' both become the Kubernetes name 'app-a-b': rename one"], result.Errors);
    }

    [Fact]
    public void A_long_running_program_is_a_deployment_with_its_replicas_command_env_and_grace_time()
    {
        var text = File(Export("""
            [web]
            command = "python3 -m http.server {port}"
            instances = 3
            port_base = 8000
            env = { GREETING = "hi" }
            stop_timeout_ms = 2500
            """), "app-web.yaml");

        Assert.Contains("kind: \"Deployment\"\n", text, StringComparison.Ordinal);
        Assert.Contains("  replicas: 3\n", text, StringComparison.Ordinal);
        Assert.Contains("      terminationGracePeriodSeconds: 3\n", text, StringComparison.Ordinal);
        Assert.Contains("          command:\n            - \"python3\"\n          args:\n            - \"-m\"\n            - \"http.server\"\n            - \"8000\"\n", text, StringComparison.Ordinal);
        Assert.Contains("            - name: \"GREETING\"\n              value: \"hi\"\n", text, StringComparison.Ordinal);
        Assert.Contains("            - name: \"PORT\"\n              value: \"8000\"\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("KRUST_PM_INSTANCE", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_is_a_service_selecting_the_programs_pods()
    {
        var text = File(Export("[web]\ncommand = \"x\"\nport_base = 8000\n"), "app-web.yaml");

        var service = text[text.IndexOf("kind: \"Service\"", StringComparison.Ordinal)..];
        Assert.Contains("  selector:\n    \"app.kubernetes.io/name\": \"app-web\"\n    \"app.kubernetes.io/part-of\": \"app\"\n", service, StringComparison.Ordinal);
        Assert.Contains("    - name: \"port-8000\"\n      port: 8000\n      targetPort: 8000\n", service, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_that_never_restarts_is_a_job_that_is_not_retried()
    {
        var text = File(Export("[migrate]\ncommand = \"x\"\nrestart = \"never\"\ninstances = 2\nautostart = false\n"), "app-migrate.yaml");

        Assert.Contains("kind: \"Job\"\n", text, StringComparison.Ordinal);
        Assert.Contains("  completions: 2\n  parallelism: 2\n  backoffLimit: 0\n  suspend: true\n", text, StringComparison.Ordinal);
        Assert.Contains("      restartPolicy: \"Never\"\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Not carried over: restart", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Probes_keep_their_kind_and_times_in_whole_seconds_and_a_local_host_becomes_the_pods_address()
    {
        var text = File(Export("""
            [web]
            command = "x"
            readiness = { http = "http://127.0.0.1:8080/health?deep=1", period_ms = 250, timeout_ms = 2000, failure_threshold = 5, initial_delay_ms = 1500 }
            liveness = { exec = "check --quick", period_ms = 10000 }
            """), "app-web.yaml");

        Assert.Contains(
            "          readinessProbe:\n            httpGet:\n              port: 8080\n              path: \"/health?deep=1\"\n              scheme: \"HTTP\"\n"
            + "            initialDelaySeconds: 2\n            periodSeconds: 1\n            timeoutSeconds: 2\n            failureThreshold: 5\n",
            text,
            StringComparison.Ordinal);
        Assert.Contains("          livenessProbe:\n            exec:\n              command:\n                - \"check\"\n                - \"--quick\"\n            periodSeconds: 10\n", text, StringComparison.Ordinal);
        Assert.Contains("# readiness period_ms = 250 is 1s: Kubernetes counts probe times in whole seconds\n", text, StringComparison.Ordinal);
        Assert.Contains("the program must listen on all addresses (0.0.0.0), not only on 127.0.0.1", text, StringComparison.Ordinal);
        Assert.Contains("    - name: \"port-8080\"\n", text, StringComparison.Ordinal); // the probe's port makes a Service
    }

    [Fact]
    public void A_tcp_probe_on_another_host_keeps_its_host_and_makes_no_service()
    {
        var text = File(Export("[web]\ncommand = \"x\"\nreadiness = { tcp = \"cache.internal:6379\" }\n"), "app-web.yaml");

        Assert.Contains("            tcpSocket:\n              host: \"cache.internal\"\n              port: 6379\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("kind: \"Service\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Depending_on_a_healthy_program_waits_for_its_service_in_an_init_container()
    {
        var result = Export("""
            [db]
            command = "x"
            readiness = { tcp = "127.0.0.1:5432" }
            [web]
            command = "y"
            depends_on = { db = "healthy" }
            """);

        Assert.Contains(
            "      initContainers:\n        - name: \"wait-for-db\"\n          image: \"busybox:1.36\"\n          command:\n            - \"sh\"\n            - \"-c\"\n"
            + "            - \"until nc -z -w 2 app-db 5432; do echo waiting for app-db:5432; sleep 2; done\"\n",
            File(result, "app-web.yaml"),
            StringComparison.Ordinal);
        Assert.DoesNotContain(result.Unmapped, line => line.Contains("depends_on", StringComparison.Ordinal));
    }

    [Fact]
    public void Dependencies_kubernetes_cannot_wait_for_are_a_comment_and_a_line_for_stderr()
    {
        var result = Export("""
            [worker]
            command = "x"
            [migrate]
            command = "y"
            restart = "never"
            [web]
            command = "z"
            depends_on = { worker = "healthy", migrate = "completed_successfully" }
            """);

        var web = File(result, "app-web.yaml");
        Assert.DoesNotContain("initContainers", web, StringComparison.Ordinal);
        foreach (var note in new[]
        {
            "depends_on worker = \"healthy\": worker has no port (port_base or a network probe), so no Service to wait on: it starts at once",
            "depends_on migrate = \"completed_successfully\": a pod cannot wait for a Job; apply app-migrate first and kubectl wait --for=condition=complete job/app-migrate",
        })
        {
            Assert.Contains($"web: {note}", result.Unmapped);
            Assert.Contains($"# Not carried over: {note}\n", web, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Settings_without_an_equivalent_are_a_comment_and_a_line_for_stderr()
    {
        var result = Export("""
            [worker]
            command = "x"
            stop_signal = "INT"
            user = "www-data"
            umask = "022"
            nice = 5
            rlimits = { nofile = 1024 }
            ready_log_line = "^ready"
            success_exit_codes = [0, 3]
            groups = ["back"]
            """);

        var text = File(result, "app-worker.yaml");
        foreach (var key in new[] { "stop_signal = \"INT\"", "user = \"www-data\"", "umask = 22", "nice = 5", "rlimits (nofile)", "ready_log_line", "success_exit_codes = [0, 3]", "groups = [back]", "max_retries = 3" })
        {
            Assert.Contains(result.Unmapped, line => line.StartsWith($"worker: {key}", StringComparison.Ordinal));
            Assert.Contains($"# Not carried over: {key}", text, StringComparison.Ordinal);
        }
    }

    private static KrustConfig Load(string toml)
    {
        var loaded = ConfigLoader.Parse(toml, ConfigPath);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Problems));
        return loaded.Config;
    }

    private static ExportResult Export(string toml) => KubernetesExporter.Export(Load(toml), "app", "base:1");

    private static string File(ExportResult result, string name)
    {
        Assert.Empty(result.Errors);
        return result.Files.Single(f => f.Name == name).Text;
    }
}

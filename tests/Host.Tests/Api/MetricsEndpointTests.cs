using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text from the OpenTelemetry exporter, checked by Prometheus's own linter
/// (<c>promtool check metrics</c>, Debian's prometheus package, installed by .ci/run), under the API's token rules.
/// </summary>
public sealed class MetricsEndpointTests : ApiTestBase
{
    private const string Promtool = "/usr/bin/promtool";

    private const string TwoPrograms = """
        [web]
        command = "./web"
        instances = 2

        [worker]
        command = "./worker"
        """;

    [Fact]
    public async Task Every_instance_and_program_is_measured_with_its_labels_and_the_engines_own_counters()
    {
        await StartAsync(TwoPrograms);
        await PostJsonAsync("/api/v1/programs/web/instances/1/stop");

        var text = await MetricsAsync();

        Assert.Contains("krust_pm_instance_up{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\",instance=\"0\",program=\"web\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_instance_up{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\",instance=\"1\",program=\"web\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("instance=\"1\",program=\"web\",status=\"Stopped\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_program_instances_desired{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\",program=\"web\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_program_instances_running{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\",program=\"web\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_commands_total{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\",command=\"stop\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_events_total{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\",type=\"program.loaded\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_instance_restarts_total{", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_spawn_duration_seconds_count{otel_scope_name=\"krust-pm\",otel_scope_version=\"0.1.0.0\"} 3", text, StringComparison.Ordinal);
        Assert.Contains("krust_pm_commands_queued{", text, StringComparison.Ordinal);
        Assert.Matches("krust_pm_instance_uptime_seconds\\{[^}]*instance=\"0\",program=\"web\"\\} [0-9.]+", text);
    }

    [Fact]
    public async Task Prometheus_linter_accepts_the_text()
    {
        Assert.True(File.Exists(Promtool), "promtool is missing: .ci/run installs Debian's prometheus package");
        await StartAsync(TwoPrograms);
        await PostJsonAsync("/api/v1/programs/web/restart");

        var text = await MetricsAsync();
        var info = new ProcessStartInfo(Promtool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("check");
        info.ArgumentList.Add("metrics");
        using var promtool = Process.Start(info)!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync(Token) + await promtool.StandardError.ReadToEndAsync(Token);
        await promtool.WaitForExitAsync(Token);

        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: exit {promtool.ExitCode}: {output}\n{text}");
        Assert.Equal(string.Empty, output.Trim());
    }

    [Fact]
    public async Task With_a_token_metrics_need_it_unless_metrics_public_and_asked_from_this_machine()
    {
        const string Token16 = "0123456789abcdef-metrics";
        await StartAsync($"server-port = \"127.0.0.1:{{port}}\"\nauth_token = \"{Token16}\"\n" + TwoPrograms, kestrel: true);
        using (var anonymous = await Client.GetAsync("/metrics", Token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token16) } };
        using var authorised = await Client.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
        await DisposeAsync();

        await StartAsync($"server-port = \"127.0.0.1:{{port}}\"\nauth_token = \"{Token16}\"\nmetrics_public = true\n" + TwoPrograms, kestrel: true);
        using var open = await Client.GetAsync("/metrics", Token);
        using var programs = await Client.GetAsync("/api/v1/programs", Token);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (open.StatusCode, programs.StatusCode));
        Assert.StartsWith("text/plain", open.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> MetricsAsync()
    {
        using var response = await Client.GetAsync("/metrics", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Token);
    }
}

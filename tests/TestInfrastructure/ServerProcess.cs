using System.Diagnostics;
using System.Text;

namespace Procedures.TestInfrastructure;

/// <summary>
/// A server started through one of the deploy/local scripts, in the foreground, so the test owns its lifetime.
/// Output is kept so a failed readiness check can say why.
/// </summary>
public sealed class ServerProcess(string name, string script, params string[] args) : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public void Start()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(System.IO.Path.Combine(RepositoryRoot.Path, "deploy", "local", script));
        foreach (var a in args) info.ArgumentList.Add(a);
        _process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Polls <paramref name="ready"/> until it answers true; fails with the server's output otherwise.</summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> ready, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!cts.IsCancellationRequested)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"{name} exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if (await ready(cts.Token)) return;
            }
            catch (Exception) when (!cts.IsCancellationRequested) { }
            await Task.Delay(200, CancellationToken.None); // polling interval of a readiness probe, not a wait for an outcome
        }
        throw new TimeoutException($"{name} not ready after {timeout}:\n{Output}");
    }

    /// <summary>Asks the server to stop (SIGTERM, as DCP does) and waits; kills the tree if it hangs.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is null || _process.HasExited) return;
        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString()])) await term!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(20));
        _process?.Dispose();
    }
}

using System.Diagnostics;
using Procedures.Benchmarks.Load;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The benchmark's CPU reading (tests/Benchmarks/Load/ProcessCpu.cs) on a real process tree: a group's time must never
/// fall. A Postgres group is its postmaster and the backends found when the group was made; a backend that ends in a
/// window hands its time to the postmaster's children time, so the group keeps it — if each process is counted once
/// (a CI run read −6,404 CPU-ms per operation for Postgres when backends were counted twice).
/// </summary>
public sealed class ProcessCpuTests
{
    [Fact]
    public async Task A_group_keeps_the_time_of_a_child_that_ended_in_the_window()
    {
        // A parent (the postmaster's part) with one busy child (a backend) that it reaps when the child is killed.
        using var parent = Process.Start(new ProcessStartInfo("bash", ["-c", "sh -c 'while :; do :; done'; sleep 300"]))!;
        try
        {
            var child = await UntilAsync(() => ChildOf(parent.Id), c => c > 0);
            // The group as SystemProcesses.Find makes Postgres': the root and the children it had then.
            var cpu = new ProcessCpu(new Dictionary<string, int[]> { ["group"] = [parent.Id, child] });
            var childOnly = new ProcessCpu(new Dictionary<string, int[]> { ["child"] = [child] });
            await UntilAsync(() => childOnly.Take().Milliseconds["child"], ms => ms >= 300); // enough time to lose
            var before = cpu.Take();

            Process.GetProcessById(child).Kill();
            await UntilAsync(() => Directory.Exists($"/proc/{child}"), exists => !exists); // reaped by its parent
            var after = cpu.Take();

            Assert.True(before.Milliseconds["group"] >= 300, $"before: {before.Milliseconds["group"]} ms");
            Assert.True(after.Milliseconds["group"] >= before.Milliseconds["group"],
                $"the group's time fell from {before.Milliseconds["group"]} ms to {after.Milliseconds["group"]} ms when its child ended");
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
        }
    }

    private static int ChildOf(int parent)
        => Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
            .FirstOrDefault(p => p > 0 && File.Exists($"/proc/{p}/status") && ReadOrEmpty($"/proc/{p}/status").Contains($"PPid:\t{parent}\n", StringComparison.Ordinal));

    private static string ReadOrEmpty(string file)
    {
        try { return File.ReadAllText(file); }
        catch (IOException) { return ""; }
    }

    /// <summary>Polls until the condition holds (30 s at most).</summary>
    private static async Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"still {value} after 30 s");
            await Task.Delay(20);
        }
    }
}

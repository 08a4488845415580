using System.Diagnostics;
using Procedures.Benchmarks.Load;
using Procedures.TestInfrastructure;

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
            var child = await Eventually.Until(() => Task.FromResult(SystemProcesses.ChildrenOf(parent.Id, SystemProcesses.All()).FirstOrDefault()),
                c => c > 0, Wait, "the busy child to start");
            // The group as SystemProcesses.Find makes Postgres': the root and the children it had then.
            var cpu = new ProcessCpu(new Dictionary<string, int[]> { ["group"] = [parent.Id, child] });
            var childOnly = new ProcessCpu(new Dictionary<string, int[]> { ["child"] = [child] });
            await Eventually.Until(() => Task.FromResult(childOnly.Take().Milliseconds["child"]), ms => ms >= 300, Wait,
                "the child to use 300 CPU-ms"); // enough time to lose
            var before = cpu.Take();

            Process.GetProcessById(child).Kill();
            await Eventually.Until(() => Task.FromResult(!Directory.Exists($"/proc/{child}")), Wait, "the child to be reaped by its parent");
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

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
}

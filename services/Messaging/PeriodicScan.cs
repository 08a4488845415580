using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Procedures.Messaging;

/// <summary>
/// A background job that runs one pass at start and then every <see cref="Interval"/>; a failed pass is logged and the
/// next one retries. The passes themselves claim their rows in the database, so every instance may run them.
/// </summary>
public abstract class PeriodicScan(ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>The clock the interval runs on (the job's own, injected: tests move it).</summary>
    protected abstract TimeProvider Time { get; }

    /// <summary>What the log calls the job when a pass fails.</summary>
    protected abstract string Name { get; }

    protected abstract Task PassAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        do
        {
            try
            {
                await PassAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "{Job} failed; the next pass retries", Name);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

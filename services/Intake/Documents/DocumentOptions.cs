using Microsoft.Extensions.Options;

namespace Procedures.Intake.Documents;

/// <summary>Upload limits, configuration section <c>Documents</c>.</summary>
public sealed class DocumentOptions
{
    public const string Section = "Documents";
    public const long DefaultMaxBytes = 20 * 1024 * 1024;

    /// <summary>Above this, keep documents out of the database (see 0003_documents.sql); configuration cannot go higher.</summary>
    public const long CeilingBytes = 100 * 1024 * 1024;

    /// <summary>Largest accepted file, in bytes (the file itself; the multipart envelope may add <see cref="Upload.EnvelopeBytes"/>).</summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;

    /// <summary>
    /// Accepted media types, a subset of <see cref="DocumentTypes.Known"/>; unset means all of them. (No default in the
    /// property itself: the configuration binder appends to a non-empty array instead of replacing it.)
    /// </summary>
    public string[]? AllowedTypes { get; set; }

    public IReadOnlyList<string> EffectiveAllowedTypes
        => AllowedTypes is { Length: > 0 } types ? types.Select(t => t.Trim().ToLowerInvariant()).Distinct().ToArray() : DocumentTypes.Known;

    /// <summary>What is wrong with these settings; empty when they can be used.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxBytes is < 1 or > CeilingBytes)
            problems.Add($"{Section}:MaxBytes must be between 1 and {CeilingBytes}, not {MaxBytes}.");
        foreach (var type in EffectiveAllowedTypes.Where(t => !DocumentTypes.Known.Contains(t)))
            problems.Add($"{Section}:AllowedTypes names '{type}', which content sniffing cannot recognise (known: {string.Join(", ", DocumentTypes.Known)}).");
        return problems;
    }
}

public static class DocumentsRegistration
{
    /// <summary>Binds and checks <see cref="DocumentOptions"/> (the service refuses to start with unusable limits).</summary>
    public static TBuilder AddDocuments<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(DocumentOptions.Section).Get<DocumentOptions>() ?? new DocumentOptions();
        if (options.Problems() is { Count: > 0 } problems)
            throw new OptionsValidationException(DocumentOptions.Section, typeof(DocumentOptions), problems);
        builder.Services.AddSingleton(options);
        return builder;
    }
}

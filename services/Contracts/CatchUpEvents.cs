namespace Procedures.Contracts;

/// <summary>
/// A consumer found a hole in a dossier's sequences that did not fill by itself (an event lost on the way, e.g. in an
/// error queue after a database crash): Processing sends the dossier's status events <see cref="FromSequence"/> to
/// <see cref="ToSequence"/> again, each under its original message id, so every consumer that already applied one
/// skips it and only the missing ones take effect.
/// </summary>
public sealed record DossierHistoryRequested(string DossierCode, long FromSequence, long ToSequence, string RequestedBy,
    DateTimeOffset RequestedAt);

/// <summary>
/// Processing's newest sequence of every dossier whose history grew between <see cref="From"/> (inclusive) and
/// <see cref="To"/> (exclusive), published periodically a few minutes behind. A consumer that knows an older sequence
/// lost the newest step(s), which no gap in its sequences can show, and asks for them (DossierHistoryRequested).
/// </summary>
public sealed record DossierHeadsDigest(IReadOnlyList<DossierHead> Heads, DateTimeOffset From, DateTimeOffset To);

/// <summary>A dossier and the sequence of its newest status event.</summary>
public sealed record DossierHead(string DossierCode, long Sequence);

/// <summary>
/// Intake's codes of the dossiers submitted between <see cref="From"/> (inclusive) and <see cref="To"/> (exclusive), in
/// the database's clock, published periodically a few minutes behind. A consumer that does not hold one lost its
/// DossierSubmitted and asks for it (<see cref="DossierSubmissionRequested"/>).
/// </summary>
public sealed record DossiersSubmittedDigest(IReadOnlyList<string> Codes, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// A consumer lacks a dossier's DossierSubmitted: Intake publishes it again as first sent and under its first message id,
/// so consumers that applied it skip it and only those that lost it take it.
/// </summary>
public sealed record DossierSubmissionRequested(string DossierCode, string RequestedBy, DateTimeOffset RequestedAt);

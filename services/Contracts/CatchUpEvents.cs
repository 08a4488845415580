namespace Procedures.Contracts;

/// <summary>
/// A consumer found a hole in a dossier's sequences that did not fill by itself (an event lost on the way, e.g. in an
/// error queue after a database crash): Processing sends the dossier's status events <see cref="FromSequence"/> to
/// <see cref="ToSequence"/> again, each under its original message id, so every consumer that already applied one
/// skips it and only the missing ones take effect.
/// </summary>
public sealed record DossierHistoryRequested(string DossierCode, long FromSequence, long ToSequence, string RequestedBy,
    DateTimeOffset RequestedAt);

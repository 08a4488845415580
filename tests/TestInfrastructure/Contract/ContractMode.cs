namespace Procedures.TestInfrastructure.Contract;

/// <summary>What the contract check does with a violation.</summary>
public enum ContractMode
{
    /// <summary>Fail the test that received the answer (the default).</summary>
    Enforce,

    /// <summary>Record it (a file in the report folder) and let the test go on: while the documents are being fixed.</summary>
    Report,

    /// <summary>Check nothing, record nothing.</summary>
    Off,
}

public static class ContractModes
{
    /// <summary>
    /// CONTRACT_CHECK = enforce | report | off. Unset: enforce, except while UPDATE_OPENAPI=1 rewrites the committed
    /// documents — then the answers are judged against documents about to be replaced, so they are only reported.
    /// </summary>
    public static ContractMode FromEnvironment()
    {
        var setting = Environment.GetEnvironmentVariable("CONTRACT_CHECK");
        if (!string.IsNullOrWhiteSpace(setting))
            return Enum.TryParse<ContractMode>(setting, ignoreCase: true, out var mode)
                ? mode
                : throw new InvalidOperationException($"CONTRACT_CHECK={setting}: expected enforce, report or off");
        return Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1" ? ContractMode.Report : ContractMode.Enforce;
    }
}

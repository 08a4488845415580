namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>Metric codes as the national portal's API names them (docs/kpi766.md#indicators); ours where the portal has none.</summary>
public static class IndicatorCodes
{
    public const string PublishOnTime = "PUBLISH_ON_TIME";
    public const string PublicUpdateOnTime = "PUBLIC_UPDATE_ON_TIME";
    public const string PublicContentFull = "PUBLIC_CONTENT_FULL";
    public const string DossierSync = "DOSSIER_SYNC";
    public const string ProgressOnTime = "PROGRESS_ON_TIME";
    public const string OnlineProcedures = "ONLINE_PROCEDURES";
    public const string OnlineServicesWithDossiers = "ONLINE_SERVICES_WITH_DOSSIERS";
    public const string OnlineDossiers = "ONLINE_DOSSIERS";
    public const string FeeProceduresIntegrated = "FEE_PROCEDURES_INTEGRATED";
    public const string ProceduresPaidOnline = "PROCEDURES_PAID_ONLINE";
    public const string DossiersPaidOnline = "DOSSIERS_PAID_ONLINE";
    public const string ElectronicResults = "ORIGINAL_RESULT_AVAILABLE";
    public const string DigitisedDossiers = "SO_HOA_GIAY_TO_GIAI_QUYET";
    public const string ElectronicCertifiedCopy = "ELECTRONIC_CERTIFIED_COPY";
    public const string ReusedData = "REUSED_DIGITIZED_DATA";
    public const string CitizenStore = "SYNCED_WITH_DVCQG_PERSONAL_STORAGE";
    public const string PopulationDataDossiers = "CITIZEN_DATA_CONNECTED_DOSSIER";
    public const string PopulationDataProcedures = "CITIZEN_DATA_CONNECTED_FORMALITY";
    public const string PetitionsOnTime = "PETITION_PROCESSING_ON_TIME";
    public const string PetitionSatisfaction = "PETITION_HANDLING_SATISFACTION";
    public const string DossierSatisfaction = "DOSSIER_RECEIVING_SATISFACTION";
}

namespace HejSurvey.Web.Survey;

/// <summary>Settings under "Survey" in configuration.</summary>
public sealed class SurveyOptions
{
    /// <summary>No figure of a group smaller than this is shown or downloadable.</summary>
    public int MinGroupSize { get; set; } = 5;

    /// <summary>Survey form posts allowed per client address and minute; an agency may sit behind one address.</summary>
    public int SubmitPermitsPerMinute { get; set; } = 600;

    /// <summary>Creates the demo rounds in Development when the database has none.</summary>
    public bool SeedDemo { get; set; } = true;
}

namespace HejSurvey.Web.Survey;

/// <summary>Settings under "Survey" in configuration.</summary>
public sealed class SurveyOptions
{
    /// <summary>No figure of a group smaller than this is shown or downloadable.</summary>
    public int MinGroupSize { get; set; } = 5;

    /// <summary>Survey form posts allowed per client address and minute; an agency may sit behind one address.</summary>
    public int SubmitPermitsPerMinute { get; set; } = 600;

    /// <summary>Live results: a new version at most this often (minutes), so that nobody can time answers around another person's.</summary>
    public int LiveIntervalMinutes { get; set; } = 60;

    /// <summary>Live results: a new version only after at least this many new answers; at least 4 × <see cref="MinGroupSize"/> (the default).</summary>
    public int? LiveStep { get; set; }

    /// <summary>The step in force for a minimum group size k: <see cref="LiveStep"/>, or 4k when it is not set.</summary>
    public int LiveStepOf(int minGroupSize) => LiveStep ?? (4 * minGroupSize);

    /// <summary>Creates the demo rounds in Development when the database has none.</summary>
    public bool SeedDemo { get; set; } = true;
}

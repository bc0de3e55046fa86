using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

/// <summary>
/// How many respondents in a group gave a value to a question, kept up to date in the transaction that
/// stores each response, so that results cost the same at a thousand responses as at a million.
/// <see cref="GroupKey"/> is "" for everyone, or "orgtype=2", "role=1", "size=4" for a background group.
/// </summary>
public sealed class AnswerTally
{
    public int RoundId { get; set; }
    public required string GroupKey { get; set; }
    public required string QuestionKey { get; set; }
    public int Value { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// Per group and theme: how many respondents have a theme index (0–100, the mean of their statements with
/// "don't know" left out), with the sum and sum of squares for the mean and its t interval.
/// </summary>
public sealed class ThemeTally
{
    public int RoundId { get; set; }
    public required string GroupKey { get; set; }
    public required string ThemeKey { get; set; }
    public long N { get; set; }
    public double Sum { get; set; }
    public double SumOfSquares { get; set; }
}

/// <summary>
/// On PostgreSQL only: what one batch of the response writer adds to the tallies, as parallel arrays (cell <c>i</c> of
/// the answers is <c>Rounds[i]</c>, <c>Groups[i]</c>, <c>Questions[i]</c>, <c>Values[i]</c> with <c>Counts[i]</c>; the
/// themes likewise). The writers of several nodes each append a row instead of updating shared tally rows, so they
/// never wait for each other's rows; a fold adds the rows to the tallies a second or so later and deletes them. Until
/// then every reader of the tallies adds them in (<see cref="HejSurvey.Web.Survey.PostgresTallies"/>), so results
/// are exact at every commit.
/// </summary>
public sealed class PendingTally
{
    public long Id { get; set; }
    public required int[] Rounds { get; set; }
    public required string[] Groups { get; set; }
    public required string[] Questions { get; set; }
    public required int[] Values { get; set; }
    public required long[] Counts { get; set; }
    public required int[] ThemeRounds { get; set; }
    public required string[] ThemeGroups { get; set; }
    public required string[] Themes { get; set; }
    public required long[] ThemeN { get; set; }
    public required double[] ThemeSums { get; set; }
    public required double[] ThemeSquares { get; set; }
}

internal sealed class AnswerTallyConfiguration : IEntityTypeConfiguration<AnswerTally>
{
    public void Configure(EntityTypeBuilder<AnswerTally> builder)
    {
        builder.ToTable("AnswerTallies");
        builder.HasKey(t => new { t.RoundId, t.GroupKey, t.QuestionKey, t.Value });
        builder.HasOne<Round>().WithMany().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ThemeTallyConfiguration : IEntityTypeConfiguration<ThemeTally>
{
    public void Configure(EntityTypeBuilder<ThemeTally> builder)
    {
        builder.ToTable("ThemeTallies");
        builder.HasKey(t => new { t.RoundId, t.GroupKey, t.ThemeKey });
        builder.HasOne<Round>().WithMany().HasForeignKey(t => t.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

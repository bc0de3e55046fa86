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

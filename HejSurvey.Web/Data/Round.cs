using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

public enum RoundState
{
    Draft = 0,
    Open = 1,
    Closed = 2,
}

/// <summary>One survey round, bound to one questionnaire version. Draft → Open → Closed; Closed is final.</summary>
public sealed class Round
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string TitleSv { get; set; }
    public required string TitleEn { get; set; }
    public int QuestionnaireId { get; set; }
    public Questionnaire? Questionnaire { get; set; }
    public RoundState State { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? OpenedAt { get; set; }

    /// <summary>When a draft opens by itself (UTC); null for opening by hand.</summary>
    public DateTime? OpensAt { get; set; }

    /// <summary>When the round closes by itself (UTC); null for no planned close.</summary>
    public DateTime? ClosesAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public bool IsPublished { get; set; }

    /// <summary>
    /// When the results were first published (UTC). Kept when the admin withdraws and publishes again, so that a
    /// citation's date stays true; null until the first publication.
    /// </summary>
    public DateTime? PublishedAt { get; set; }

    /// <summary>The organisers' own short summary of the results, in Swedish and in English; null when not written.</summary>
    public string? SummarySv { get; set; }

    public string? SummaryEn { get; set; }

    /// <summary>Shows results while the round is still open.</summary>
    public bool LiveResults { get; set; }

    /// <summary>The longest summary an admin may write, in each language.</summary>
    public const int SummaryMaxLength = 600;

    /// <summary>Stored responses, kept by the response writer in the same transaction as the responses.</summary>
    public int ResponseCount { get; set; }

    /// <summary>How many responses the admin hopes for; shown on the dashboard as progress, never to the public.</summary>
    public int? ResponseTarget { get; set; }

    public string Title(string language) => language == "en" ? TitleEn : TitleSv;

    public bool AcceptsAnswers(DateTime utcNow) => State == RoundState.Open && (ClosesAt is null || ClosesAt > utcNow);

    public bool ResultsVisible => IsPublished && (State == RoundState.Closed || (State == RoundState.Open && LiveResults));
}

internal sealed class RoundConfiguration : IEntityTypeConfiguration<Round>
{
    public void Configure(EntityTypeBuilder<Round> builder)
    {
        builder.ToTable("Rounds");
        builder.Property(r => r.Slug).HasMaxLength(64);
        builder.HasIndex(r => r.Slug).IsUnique();
        builder.Property(r => r.TitleSv).HasMaxLength(200);
        builder.Property(r => r.TitleEn).HasMaxLength(200);
        builder.Property(r => r.SummarySv).HasMaxLength(Round.SummaryMaxLength);
        builder.Property(r => r.SummaryEn).HasMaxLength(Round.SummaryMaxLength);
        builder.HasOne(r => r.Questionnaire).WithMany().HasForeignKey(r => r.QuestionnaireId).OnDelete(DeleteBehavior.Restrict);
    }
}

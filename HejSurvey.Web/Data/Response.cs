using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

/// <summary>
/// One respondent's answers to one round. Holds no IP address, no user agent and no time of day:
/// only the date, a hash of the browser's random token (one response per browser and round) and the
/// form's idempotency key (a double-clicked submit stores one response).
/// </summary>
public sealed class Response
{
    public long Id { get; set; }
    public int RoundId { get; set; }
    public DateOnly SubmittedOn { get; set; }
    public required string RespondentHash { get; set; }
    public Guid IdempotencyKey { get; set; }
    public string? FreeText { get; set; }

    /// <summary>The longest free text the column holds (PostgreSQL enforces it); a questionnaire may ask for no more.</summary>
    public const int MaxFreeTextLength = 2000;
    public List<Answer> Answers { get; set; } = [];
}

/// <summary>A number given to one question: 1–5 on the agreement scale, 0 for "don't know", or a background option.</summary>
public sealed class Answer
{
    public long ResponseId { get; set; }
    public required string QuestionKey { get; set; }
    public int Value { get; set; }
}

internal sealed class ResponseConfiguration : IEntityTypeConfiguration<Response>
{
    public void Configure(EntityTypeBuilder<Response> builder)
    {
        builder.ToTable("Responses");
        builder.Property(r => r.RespondentHash).HasMaxLength(64);
        builder.Property(r => r.FreeText).HasMaxLength(Response.MaxFreeTextLength);
        builder.HasIndex(r => new { r.RoundId, r.RespondentHash }).IsUnique();
        builder.HasIndex(r => new { r.RoundId, r.IdempotencyKey }).IsUnique();
        // Responses per day on the admin dashboard, read from the index alone.
        builder.HasIndex(r => new { r.RoundId, r.SubmittedOn });
        builder.HasOne<Round>().WithMany().HasForeignKey(r => r.RoundId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AnswerConfiguration : IEntityTypeConfiguration<Answer>
{
    public void Configure(EntityTypeBuilder<Answer> builder)
    {
        builder.ToTable("Answers", t => t.HasCheckConstraint("CK_Answers_Value", "Value BETWEEN 0 AND 9"));
        builder.HasKey(a => new { a.ResponseId, a.QuestionKey });
        builder.Property(a => a.QuestionKey).HasMaxLength(64);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

/// <summary>
/// A stored questionnaire version; <see cref="Definition"/> is its JSON. A draft may be edited; a final version never
/// changes, and only a final version can be bound to a round, so what a respondent answered is never rewritten.
/// </summary>
public sealed class Questionnaire
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public int Version { get; set; }
    public required string Definition { get; set; }
    public DateTime CreatedAt { get; set; }

    /// <summary>Frozen: the definition is never written again.</summary>
    public bool IsFinal { get; set; }
    public DateTime? FinalizedAt { get; set; }

    /// <summary>The version of the same questionnaire this one was made from; the editor compares against it.</summary>
    public int? BasedOnVersion { get; set; }
}

internal sealed class QuestionnaireConfiguration : IEntityTypeConfiguration<Questionnaire>
{
    public void Configure(EntityTypeBuilder<Questionnaire> builder)
    {
        builder.ToTable("Questionnaires");
        builder.Property(q => q.Key).HasMaxLength(64);
        builder.HasIndex(q => new { q.Key, q.Version }).IsUnique();
    }
}

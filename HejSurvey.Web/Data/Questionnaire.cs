using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

/// <summary>A stored questionnaire version; <see cref="Definition"/> is its JSON, never edited once a round uses it.</summary>
public sealed class Questionnaire
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public int Version { get; set; }
    public required string Definition { get; set; }
    public DateTime CreatedAt { get; set; }
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

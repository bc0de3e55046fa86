using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HejSurvey.Web.Data;

/// <summary>
/// A version of an open round's live results that readers have been shown: the tallies it was computed from and the
/// cells it hid beyond the static rules. Kept in the database so that every node and every restart shows the same
/// version, and so that each later version and the final results can be checked against every one shown before.
/// </summary>
public sealed class LiveVersion
{
    public int RoundId { get; set; }

    /// <summary>1 for a round's first version, then 2, 3, …; the key keeps two nodes from releasing the same number.</summary>
    public int Number { get; set; }

    public int Responses { get; set; }
    public DateTime ReleasedAt { get; set; }

    /// <summary>The round's tallies at the commit the version was computed from (JSON).</summary>
    public required string Tallies { get; set; }

    /// <summary>Cells hidden so that this version could not be differenced against an earlier one (JSON).</summary>
    public required string Hidden { get; set; }
}

internal sealed class LiveVersionConfiguration : IEntityTypeConfiguration<LiveVersion>
{
    public void Configure(EntityTypeBuilder<LiveVersion> builder)
    {
        builder.ToTable("LiveVersions");
        builder.HasKey(v => new { v.RoundId, v.Number });
        builder.HasOne<Round>().WithMany().HasForeignKey(v => v.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

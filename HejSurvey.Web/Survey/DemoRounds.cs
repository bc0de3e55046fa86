using HejSurvey.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Survey;

/// <summary>
/// The rounds an empty Development database starts with, so that every page can be tried at once: two published
/// years of the same questionnaire (so that ?compare= has something to compare, and the second year really differs)
/// and this year's open round. Dates and titles match the names.
/// </summary>
public static class DemoRounds
{
    public const string Open = "hej-digitalt-2026";
    public const string Published = "hej-digitalt-2025";
    public const string Earlier = "hej-digitalt-2024";

    public static async Task SeedAsync(SurveyDb db, SurveyConnection database)
    {
        // The published years were asked the first questionnaire version; a new round gets the newest.
        var first = await db.Questionnaires.Where(q => q.Key == "hej-digitalt").OrderBy(q => q.Version).FirstAsync();
        var newest = await db.Questionnaires.Where(q => q.Key == "hej-digitalt" && q.IsFinal).OrderByDescending(q => q.Version).FirstAsync();
        var now = DateTime.UtcNow;
        db.Rounds.Add(new Round
        {
            Slug = Open,
            TitleSv = "Hej digitalt 2026",
            TitleEn = "Hej digitalt 2026",
            QuestionnaireId = newest.Id,
            State = RoundState.Open,
            CreatedAt = now,
            OpenedAt = now,
        });
        var earlier = Year(Earlier, "Hej digitalt 2024", first.Id, new DateTime(2024, 11, 4, 7, 0, 0, DateTimeKind.Utc), new DateTime(2024, 11, 29, 16, 0, 0, DateTimeKind.Utc));
        var published = Year(Published, "Hej digitalt 2025", first.Id, new DateTime(2025, 11, 3, 7, 0, 0, DateTimeKind.Utc), new DateTime(2025, 11, 28, 16, 0, 0, DateTimeKind.Utc));
        db.Rounds.AddRange(earlier, published);
        await db.SaveChangesAsync();

        var questionnaire = QuestionnaireDefinition.Parse(first.Definition);
        using var connection = database.Open();
        // 2025 a little brighter than 2024 throughout: enough for the change to stand out of its interval.
        SyntheticResponses.Add(connection, earlier.Id, questionnaire, 2_400, new Random(2024), Days(earlier), outlook: -0.15);
        SyntheticResponses.Add(connection, published.Id, questionnaire, 3_000, new Random(2025), Days(published), outlook: 0.2);
    }

    private static Round Year(string slug, string title, int questionnaireId, DateTime opened, DateTime closed) => new()
    {
        Slug = slug,
        TitleSv = title,
        TitleEn = title,
        QuestionnaireId = questionnaireId,
        State = RoundState.Closed,
        CreatedAt = opened.AddDays(-7),
        OpenedAt = opened,
        ClosesAt = closed,
        ClosedAt = closed,
        IsPublished = true,
    };

    private static (DateOnly, DateOnly) Days(Round round) => (DateOnly.FromDateTime(round.OpenedAt!.Value), DateOnly.FromDateTime(round.ClosedAt!.Value));
}

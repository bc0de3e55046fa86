using System.Text.Json;
using HejSurvey.Web.Survey;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// The open outputs of a round name the questionnaire version it asked and, against a published round on another
/// version, the breaks in series with both wordings: the data package and the API say what the method page says.
/// </summary>
public abstract class SeriesBreakDataTests(SiteFactory site)
{
    public sealed class OnSqlite(SiteFactory site) : SeriesBreakDataTests(site), IClassFixture<SiteFactory>;

    [PostgresSuite]
    public sealed class OnPostgreSQL(PostgresSiteFactory site) : SeriesBreakDataTests(site), IClassFixture<PostgresSiteFactory>;

    [Fact]
    public async Task The_data_package_and_the_api_name_the_version_and_both_wordings_of_each_reworded_statement()
    {
        var versions = QuestionnaireDefinition.Embedded().Select(e => e.Definition).Where(d => d.Key == ShippedQuestionnaires.Newest.Key).OrderBy(d => d.Version).ToList();
        var (earlier, later) = (versions[^2], versions[^1]);
        var reworded = later.Statements.Where(s => earlier.Statements.Any(e => e.Key == s.Key && e.Text != s.Text)).Select(s => s.Key).ToList();
        Assert.NotEmpty(reworded);

        await site.PublishedRoundAsync("breaks-later", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var older = await site.CreateRoundAsync("breaks-earlier");
        await using (var db = site.Db())
        {
            var earlierId = await db.Questionnaires.Where(q => q.Key == earlier.Key && q.Version == earlier.Version).Select(q => q.Id).SingleAsync();
            await db.Rounds.Where(r => r.Id == older.Id).ExecuteUpdateAsync(set => set.SetProperty(r => r.QuestionnaireId, earlierId));
        }
        await site.SubmitAsync(older, Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        await site.SetAsync(older, Web.Data.RoundState.Closed, published: true);
        var browser = site.Browser();

        foreach (var (slug, own, other) in new[] { ("breaks-later", later, earlier), ("breaks-earlier", earlier, later) })
        {
            using var package = JsonDocument.Parse(await browser.GetStringAsync($"/results/{slug}/datapackage.json"));
            using var api = JsonDocument.Parse(await browser.GetStringAsync($"/api/rounds/{slug}/results"));
            var fromPackage = package.RootElement.GetProperty("questionnaire");
            var fromApi = api.RootElement.GetProperty("questionnaire");
            foreach (var (questionnaire, breaks) in new[] { (fromPackage, "breaksInSeries"), (fromApi, "breaks") })
            {
                Assert.Equal(own.Key, questionnaire.GetProperty("key").GetString());
                Assert.Equal(own.Version, questionnaire.GetProperty("version").GetInt32());
                var against = Assert.Single(questionnaire.GetProperty(breaks).EnumerateArray());
                Assert.Equal(other.Version, against.GetProperty(breaks == "breaks" ? "version" : "comparedVersion").GetInt32());
                var statements = against.GetProperty("reworded").EnumerateArray().ToList();
                Assert.Equal(reworded, statements.Select(s => s.GetProperty(breaks == "breaks" ? "key" : "item").GetString()));
                foreach (var statement in statements)
                {
                    var key = statement.GetProperty(breaks == "breaks" ? "key" : "item").GetString();
                    var wording = statement.GetProperty("wording");
                    var otherWording = statement.GetProperty(breaks == "breaks" ? "otherWording" : "comparedWording");
                    Assert.Equal(own.Statements.Single(s => s.Key == key).Text.Sv, wording.GetProperty("sv").GetString());
                    Assert.Equal(own.Statements.Single(s => s.Key == key).Text.En, wording.GetProperty("en").GetString());
                    Assert.Equal(other.Statements.Single(s => s.Key == key).Text.Sv, otherWording.GetProperty("sv").GetString());
                    Assert.Equal(other.Statements.Single(s => s.Key == key).Text.En, otherWording.GetProperty("en").GetString());
                }
            }
            Assert.Contains($"{own.Key} version {own.Version}", package.RootElement.GetProperty("sources")[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_round_whose_questionnaire_no_other_published_round_shares_names_its_version_and_no_break()
    {
        var round = await site.CreateRoundAsync("breaks-alone");
        await using (var db = site.Db())
        {
            db.Questionnaires.Add(new Web.Data.Questionnaire
            {
                Key = "breaks-alone-questionnaire",
                Version = 3,
                Definition = (ShippedQuestionnaires.Newest with { Key = "breaks-alone-questionnaire", Version = 3 }).ToJson(),
                CreatedAt = DateTime.UtcNow,
                IsFinal = true,
            });
            await db.SaveChangesAsync();
            var id = await db.Questionnaires.Where(q => q.Key == "breaks-alone-questionnaire").Select(q => q.Id).SingleAsync();
            await db.Rounds.Where(r => r.Id == round.Id).ExecuteUpdateAsync(set => set.SetProperty(r => r.QuestionnaireId, id));
        }
        await site.SetAsync(round, Web.Data.RoundState.Closed, published: true);

        using var api = JsonDocument.Parse(await site.Browser().GetStringAsync("/api/rounds/breaks-alone/results"));
        var questionnaire = api.RootElement.GetProperty("questionnaire");
        Assert.Equal("breaks-alone-questionnaire", questionnaire.GetProperty("key").GetString());
        Assert.Equal(3, questionnaire.GetProperty("version").GetInt32());
        Assert.Empty(questionnaire.GetProperty("breaks").EnumerateArray());
    }
}

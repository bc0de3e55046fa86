using System.Collections.Concurrent;
using System.Globalization;
using HejSurvey.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace HejSurvey.Web.Survey;

/// <summary>
/// Made-up but plausible responses for demos and benchmarks: `seed --round SLUG --responses N`, and the
/// published demo round in Development. Stored with the same tallies as real responses. Never in Production.
/// </summary>
public static class SyntheticResponses
{
    public static async Task<int> RunSeedCommandAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        if (services.GetRequiredService<IWebHostEnvironment>().IsProduction())
        {
            await output.WriteLineAsync("seed is refused in Production: it would mix made-up answers with real ones.");
            return 2;
        }
        if (services.GetRequiredService<SurveyConnection>().Provider != DatabaseProvider.Sqlite)
        {
            await output.WriteLineAsync("seed works on SQLite only: seed a SQLite site, then move it with copy-database --to \"<PostgreSQL connection string>\".");
            return 2;
        }
        var slug = Option(args, "--round");
        var title = Option(args, "--title")?.Trim();
        if (slug is null || !int.TryParse(Option(args, "--responses"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > 10_000_000
            || title is { Length: 0 or > 200 })
        {
            await output.WriteLineAsync("usage: seed --round <slug> --responses <1–10000000> [--title <title of a new round>]");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SurveyDb>();
        var round = await db.Rounds.SingleOrDefaultAsync(r => r.Slug == slug);
        if (round is null)
        {
            round = NewPublishedRound(slug, (await db.Questionnaires.Where(q => q.IsFinal).OrderByDescending(q => q.Version).FirstAsync()).Id);
            // Legends, tables and the catalogue name a round by its title: the slug is an address, not a name.
            if (title is not null)
            {
                round.TitleSv = round.TitleEn = title;
            }
            db.Rounds.Add(round);
            await db.SaveChangesAsync();
            await output.WriteLineAsync($"created round {slug}, \"{round.TitleSv}\" (closed, published)");
        }
        var questionnaire = await scope.ServiceProvider.GetRequiredService<QuestionnaireCatalog>().GetAsync(round.QuestionnaireId);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var connection = scope.ServiceProvider.GetRequiredService<SurveyConnection>().Open();
        Add(connection, round.Id, questionnaire, count, new Random(round.Id));
        await output.WriteLineAsync($"added {count} responses to {slug} in {started.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    public static Round NewPublishedRound(string slug, int questionnaireId)
    {
        var now = DateTime.UtcNow;
        return new()
        {
            Slug = slug,
            TitleSv = slug,
            TitleEn = slug,
            QuestionnaireId = questionnaireId,
            State = RoundState.Closed,
            CreatedAt = now,
            OpenedAt = now.AddDays(-14),
            ClosedAt = now,
            IsPublished = true,
            PublishedAt = now,
        };
    }

    /// <summary>
    /// Stores <paramref name="count"/> responses and their tallies, in transactions of 50,000. Making up and
    /// tallying the next chunk runs beside storing the last one, so both cores are busy. The responses fall on the
    /// days given (by default the last 14); <paramref name="outlook"/> moves every answer up or down, so that two
    /// made-up rounds can differ the way two real years might.
    /// </summary>
    public static void Add(SqliteConnection connection, int roundId, QuestionnaireDefinition questionnaire, int count, Random random, (DateOnly First, DateOnly Last)? days = null, double outlook = 0)
    {
        const int Chunk = 50_000;
        using (var pragma = connection.CreateCommand())
        {
            // Made-up data that can be made again: speed over fsync.
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;";
            pragma.ExecuteNonQuery();
        }
        var answerCounts = new Dictionary<(int Round, string Group, string Question, int Value), long>();
        var themeSums = new Dictionary<(int Round, string Group, string Theme), (long N, double Sum, double Squares)>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var (first, last) = days ?? (today.AddDays(-13), today);
        var dayCount = last.DayNumber - first.DayNumber + 1;
        using var chunks = new BlockingCollection<List<Dictionary<string, int>>>(boundedCapacity: 2);
        var maker = Task.Run(() =>
        {
            try
            {
                for (var done = 0; done < count; done += Chunk)
                {
                    var chunk = new List<Dictionary<string, int>>(Chunk);
                    for (var i = done; i < Math.Min(count, done + Chunk); i++)
                    {
                        var answers = Respondent(questionnaire, random, outlook);
                        ResponseWriter.Tally(new SubmittedResponse(roundId, questionnaire, "", Guid.Empty, answers, null), answerCounts, themeSums);
                        chunk.Add(answers);
                    }
                    chunks.Add(chunk);
                }
            }
            finally
            {
                chunks.CompleteAdding();
            }
        });
        foreach (var chunk in chunks.GetConsumingEnumerable())
        {
            using var transaction = connection.BeginTransaction();
            using var rows = new ResponseRows(connection, transaction);
            foreach (var answers in chunk)
            {
                var hash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                rows.Insert(roundId, first.AddDays(Random.Shared.Next(dayCount)), hash, Guid.NewGuid(), null, answers);
            }
            transaction.Commit();
        }
        maker.GetAwaiter().GetResult();
        using var tallies = connection.BeginTransaction();
        ResponseWriter.SaveTallies(connection, tallies, answerCounts, themeSums, new Dictionary<int, int> { [roundId] = count });
        tallies.Commit();
    }

    /// <summary>
    /// One made-up respondent: a general outlook, nudged by role (top management sees things brighter) and
    /// theme (risk-taking lowest), answers around it, and about one in twenty "don't know".
    /// </summary>
    private static Dictionary<string, int> Respondent(QuestionnaireDefinition questionnaire, Random random, double shift)
    {
        var answers = new Dictionary<string, int>();
        foreach (var background in questionnaire.Background)
        {
            var options = background.Options;
            // Skewed towards the first options so that some groups are small, as in real rounds.
            var pick = (int)(Math.Pow(random.NextDouble(), 1.6) * options.Count);
            answers[background.Key] = options[Math.Min(pick, options.Count - 1)].Value;
        }
        var outlook = 3.1 + shift + (random.NextDouble() - 0.5) * 1.6 + (answers.GetValueOrDefault("role") == 1 ? 0.6 : 0);
        for (var t = 0; t < questionnaire.Themes.Count; t++)
        {
            foreach (var statement in questionnaire.Themes[t].Statements)
            {
                if (random.Next(20) == 0)
                {
                    answers[statement.Key] = QuestionnaireDefinition.DontKnowValue;
                    continue;
                }
                var noise = (random.NextDouble() + random.NextDouble() - 1) * 2.2;
                answers[statement.Key] = Math.Clamp((int)Math.Round(outlook - (t * 0.35) + noise), QuestionnaireDefinition.ScaleMin, QuestionnaireDefinition.ScaleMax);
            }
        }
        return answers;
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}

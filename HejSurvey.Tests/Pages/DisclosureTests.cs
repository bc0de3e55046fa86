using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using HejSurvey.Web.Data;
using HejSurvey.Web.Survey;
using Xunit.Abstractions;

namespace HejSurvey.Tests.Pages;

/// <summary>
/// An outside statistician's attack on the live and final results: a real site with live results on and a small
/// minimum (k = 3), answers with known content sent one at a time through the real form, and after every answer every
/// output read (the page for each breakdown, data.csv, data.json, the API, and the counts on /, /results and
/// /api/rounds). Then the known answers are worked back from what was read, as far as anything can be:
/// <list type="bullet">
/// <item>within a version: everyone minus visible groups, for every set of groups a breakdown lets one count;</item>
/// <item>between any two versions, the final results and the first version after a restart included: a visible
/// group's growth, and the growth of the hidden remainder, for every set of groups countable in both;</item>
/// <item>k − 1 stuffing: an attacker who sends k − 1 answers right after a victim and subtracts their own.</item>
/// </list>
/// No single respondent's answer may come out, and no count of a published set may lie between 1 and k − 1.
/// </summary>
public abstract partial class DisclosureTests(DatabaseProvider provider, ITestOutputHelper output) : IDisposable
{
    public sealed class OnSqlite(ITestOutputHelper output) : DisclosureTests(DatabaseProvider.Sqlite, output);

    [PostgresSuite]
    public sealed class OnPostgreSQL(ITestOutputHelper output) : DisclosureTests(DatabaseProvider.PostgreSQL, output);

    private const int K = 3;
    private const string Slug = "disclosure";

    private static readonly QuestionnaireDefinition Questionnaire = ShippedQuestionnaires.Newest;

    private readonly SiteFactory site = Site(provider);

    private static SiteFactory Site(DatabaseProvider provider, string? connectionString = null)
    {
        var factory = SiteFactory.On(provider);
        factory.Settings["Survey:MinGroupSize"] = K.ToString(CultureInfo.InvariantCulture);
        // Every version as soon as LiveStep (4k = 12) answers allow it, so that a short test sees many versions.
        factory.Settings["Survey:LiveIntervalMinutes"] = "0";
        factory.Settings["Survey:SubmitPermitsPerMinute"] = "100000";
        if (connectionString is not null)
        {
            factory.Settings["ConnectionStrings:Survey"] = connectionString;
        }
        return factory;
    }

    public void Dispose()
    {
        site.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>One respondent: their answers, and whether the attacker sent them (and so knows them).</summary>
    private sealed record Respondent(int Number, Dictionary<string, int> Answers, bool Attacker);

    /// <summary>
    /// 140 respondents. Most work in a state agency; one municipality respondent comes early and two more later (a
    /// group that goes from hidden to shown); three in a region, two of whom say "don't know" to lead_drive (a group of
    /// k with k − 1 "don't know"). The victim, in "other public body", and the attacker's k − 1 answers are not in this
    /// list: the attacker watches the count and sends theirs straight after the victim, right after a new version.
    /// </summary>
    private static Queue<Dictionary<string, int>> Honest(Random random)
    {
        var list = new Queue<Dictionary<string, int>>();
        var region = 0;
        for (var i = 0; i < 140 - K; i++)
        {
            var orgtype = i switch
            {
                14 or 40 or 50 => 2,
                37 or 41 or 45 => 3,
                _ => 1,
            };
            var answers = Answer(random, orgtype);
            if (orgtype == 3)
            {
                answers["lead_drive"] = region++ < K - 1 ? QuestionnaireDefinition.DontKnowValue : 4;
            }
            list.Enqueue(answers);
        }
        return list;
    }

    private static Dictionary<string, int> Answer(Random random, int orgtype)
    {
        var answers = Questionnaire.Statements.ToDictionary(s => s.Key, _ => random.Next(100) < 15 ? QuestionnaireDefinition.DontKnowValue : random.Next(1, 6));
        answers["orgtype"] = orgtype;
        answers["role"] = random.Next(1, 5);
        answers["size"] = random.Next(1, 5);
        return answers;
    }

    /// <summary>What a reader can see of one version: a vector per (breakdown, group, measure); null when hidden.</summary>
    private sealed record Version(int Responses, string Csv, Dictionary<(string Breakdown, int? Group, string Measure), double[]?> Cells);

    [Fact]
    public async Task No_respondent_can_be_worked_out_from_any_version_the_final_results_or_a_restart()
    {
        var round = await site.CreateRoundAsync(Slug, RoundState.Open, published: true, live: true);
        var random = new Random(20261201);
        var honest = Honest(random);
        var respondents = new List<Respondent>();
        var versions = new List<Version>();
        var reader = site.Browser();
        var victimSent = false;
        async Task SendAsync(Dictionary<string, int> answers, bool attacker)
        {
            using var response = await SurveyJourneyTests.AnswerAsync(site.Browser(), Slug, answers.Select(a => KeyValuePair.Create(a.Key, a.Value.ToString(CultureInfo.InvariantCulture))));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            respondents.Add(new Respondent(respondents.Count, answers, attacker));
            Remember(versions, await ReadEverythingAsync(reader));
        }
        while (honest.Count > 0)
        {
            var before = versions.Count;
            await SendAsync(honest.Dequeue(), attacker: false);
            if (!victimSent && versions.Count > before && versions.Count >= 3)
            {
                // A new version has just come out: the victim answers, and the attacker sends k − 1 straight after.
                victimSent = true;
                await SendAsync(Answer(random, orgtype: 4), attacker: false);
                for (var i = 0; i < K - 1; i++)
                {
                    await SendAsync(Answer(random, orgtype: 1), attacker: true);
                }
            }
        }
        Assert.True(victimSent);

        // A restart (a second site on the same database) shows the very version shown before it.
        using (var restarted = Site(provider, site.ConnectionString))
        {
            Assert.Equal(versions[^1].Csv, (await ReadEverythingAsync(restarted.Browser())).Csv);
        }

        await site.SetAsync(round, RoundState.Closed, published: true);
        Remember(versions, await ReadEverythingAsync(reader));

        // Versions of at least LiveStep answers, and a final one.
        Assert.True(versions.Count >= 5, $"only {versions.Count} versions");
        Assert.Equal(0, versions[0].Responses);
        Assert.All(versions.Zip(versions.Skip(1)), pair => Assert.True(pair.Second.Responses - pair.First.Responses >= 4 * K || pair.Second == versions[^1]));

        // The attacks had something to work on: groups shown in several versions, the attacker's answers inside them.
        Assert.True(versions.Count(v => v.Cells.Count(c => c.Key.Breakdown != "all" && c.Key.Measure == "size" && c.Value is not null) >= 4) >= 3);
        output.WriteLine($"Versions seen, by their responses: {string.Join(", ", versions.Select(v => v.Responses))} (the last is the final results).");
        output.WriteLine($"Cells hidden per version: {string.Join(", ", versions.Select(v => v.Cells.Count(c => c.Value is null)))} of {versions[0].Cells.Count}.");
        var leaks = Leaks(versions, respondents);
        Assert.True(leaks.Count == 0, $"{leaks.Count} ways to fewer than {K} respondents, {leaks.Count(l => l.Contains("recovered", StringComparison.Ordinal))} of them one person's answer:\n"
            + string.Join("\n", leaks.OrderBy(l => l.Contains("recovered", StringComparison.Ordinal) && l.Contains("statement:", StringComparison.Ordinal) ? 0 : 1).Take(20)));

        // The region of k with k − 1 "don't know": its lead_drive never shows, in any version, while the group does.
        Assert.Contains(versions, v => v.Cells[("orgtype", 3, "size")] is not null);
        Assert.All(versions, v => Assert.Null(v.Cells[("orgtype", 3, "statement:lead_drive")]));
    }

    private static void Remember(List<Version> versions, Version version)
    {
        if (versions.Count == 0 || versions[^1].Csv != version.Csv)
        {
            versions.Add(version);
        }
    }

    /// <summary>
    /// Everything published about the round, checked to agree across outputs, as one version. The CSV carries the
    /// full precision; the page, data.json and the API must say the same, and every count of the round the same number.
    /// </summary>
    private static async Task<Version> ReadEverythingAsync(HttpClient reader)
    {
        var csvText = await reader.GetStringAsync($"/results/{Slug}/data.csv");
        var csv = CsvTable.Read(csvText);
        var json = JsonDocument.Parse(await reader.GetStringAsync($"/results/{Slug}/data.json")).RootElement;
        Assert.Equal(csv.Count, json.GetArrayLength());
        for (var i = 0; i < csv.Count; i++)
        {
            foreach (var (name, value) in csv[i])
            {
                var cell = json[i].GetProperty(name);
                Assert.Equal(value, cell.ValueKind switch
                {
                    JsonValueKind.Null => "",
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => cell.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                    _ => cell.GetString(),
                });
            }
        }

        var cells = new Dictionary<(string, int?, string), double[]?>();
        foreach (var row in csv)
        {
            var breakdown = row["breakdown"];
            // Everyone's rows carry the group code 0 (the table's primary key needs one); the API gives no option.
            int? group = breakdown == "all" ? null : int.Parse(row["group"], CultureInfo.InvariantCulture);
            cells[(breakdown, group, "size")] = row["group_size"].Length == 0 ? null : [double.Parse(row["group_size"], CultureInfo.InvariantCulture)];
            if (row["suppressed"] == "true")
            {
                Assert.All(["n", "count_1", "count_5", "dont_know", "agree_share", "mean", "index"], f => Assert.Equal("", row[f]));
                cells[(breakdown, group, row["kind"] == "statement" ? $"statement:{row["statement"]}" : $"theme:{row["theme"]}")] = null;
                continue;
            }
            if (row["kind"] == "statement")
            {
                // [answers on the scale, answers at all, count_1 … count_5]
                var n = double.Parse(row["n"], CultureInfo.InvariantCulture);
                var dontKnow = double.Parse(row["dont_know"], CultureInfo.InvariantCulture);
                cells[(breakdown, group, $"statement:{row["statement"]}")] =
                    [n, n + dontKnow, .. Enumerable.Range(1, 5).Select(v => double.Parse(row[$"count_{v}"], CultureInfo.InvariantCulture))];
            }
            else
            {
                // [respondents with an index, the sum of their indices]
                var n = double.Parse(row["n"], CultureInfo.InvariantCulture);
                cells[(breakdown, group, $"theme:{row["theme"]}")] = [n, n == 0 ? 0 : n * double.Parse(row["index"], CultureInfo.InvariantCulture)];
            }
        }

        var api = JsonDocument.Parse(await reader.GetStringAsync($"/api/rounds/{Slug}/results")).RootElement;
        var responses = api.GetProperty("round").GetProperty("responses").GetInt32();
        foreach (var group in api.GetProperty("groups").EnumerateArray())
        {
            var breakdown = group.GetProperty("breakdown").GetString()!;
            var key = (breakdown.Length == 0 ? "all" : breakdown, group.GetProperty("option").ValueKind == JsonValueKind.Null ? (int?)null : group.GetProperty("option").GetInt32());
            Assert.Equal(cells[(key.Item1, key.Item2, "size")]?[0], group.GetProperty("size").ValueKind == JsonValueKind.Null ? null : group.GetProperty("size").GetInt64());
            foreach (var statement in group.GetProperty("statements").EnumerateObject())
            {
                var expected = cells[(key.Item1, key.Item2, $"statement:{statement.Name}")];
                Assert.Equal(expected?[0], statement.Value.GetProperty("n").ValueKind == JsonValueKind.Null ? null : statement.Value.GetProperty("n").GetInt64());
            }
        }

        foreach (var background in Questionnaire.Background)
        {
            var page = await reader.GetPageAsync($"/results/{Slug}?by={background.Key}");
            Assert.Equal(responses.ToString(CultureInfo.InvariantCulture), Digits(page.QuerySelector("[data-figure=responses]")!.TextContent));
            foreach (var statement in Questionnaire.Statements)
            {
                var distribution = page.QuerySelectorAll($"figure#{statement.Key} table.distribution tbody tr");
                foreach (var (row, index) in page.QuerySelectorAll($"figure#{statement.Key} table.shares tbody tr").Select((r, i) => (r, i)))
                {
                    var label = row.QuerySelector("th")!.TextContent.Trim();
                    var key = label == "Alla svarande" ? ("all", (int?)null) : (background.Key, background.Options.Single(o => o.Text.Sv == label).Value);
                    var expected = cells[(key.Item1, key.Item2, $"statement:{statement.Key}")];
                    if (expected is null)
                    {
                        Assert.Equal("true", row.QuerySelector("td")!.GetAttribute("data-suppressed"));
                        Assert.DoesNotMatch("[0-9]", row.TextContent[label.Length..]);
                    }
                    else
                    {
                        Assert.Equal(expected[0].ToString(CultureInfo.InvariantCulture), Digits(row.QuerySelector("td[data-figure=n]")!.TextContent));
                        Assert.Equal((expected[1] - expected[0]).ToString(CultureInfo.InvariantCulture), Digits(distribution[index].QuerySelector("td[data-figure=dont-know]")!.TextContent));
                    }
                }
            }
            foreach (var row in page.QuerySelectorAll("figure#themes tbody tr"))
            {
                var label = row.QuerySelector("th")!.TextContent.Trim();
                var key = label == "Alla svarande" ? ("all", (int?)null) : (background.Key, background.Options.Single(o => o.Text.Sv == label).Value);
                foreach (var theme in Questionnaire.Themes)
                {
                    var expected = cells[(key.Item1, key.Item2, $"theme:{theme.Key}")];
                    var cell = row.QuerySelector($"td[data-theme={theme.Key}]");
                    if (expected is null)
                    {
                        Assert.True(cell is null || cell.GetAttribute("data-suppressed") == "true");
                    }
                    else
                    {
                        Assert.Equal(expected[0].ToString(CultureInfo.InvariantCulture), NEquals().Match(cell!.TextContent).Groups[1].Value);
                    }
                }
            }
        }

        // The same count of responses on the landing page, the results list and the API's list of rounds.
        var rounds = JsonDocument.Parse(await reader.GetStringAsync("/api/rounds")).RootElement;
        Assert.Equal(responses, rounds.EnumerateArray().Single(r => r.GetProperty("slug").GetString() == Slug).GetProperty("responses").GetInt32());
        foreach (var list in new[] { "/", "/results" })
        {
            var item = (await reader.GetPageAsync(list)).QuerySelectorAll("li").Single(li => li.QuerySelector($"a[href='/results/{Slug}']") is not null);
            Assert.Contains($"{responses.ToString("N0", CultureInfo.GetCultureInfo("sv-SE"))} svar", item.TextContent, StringComparison.Ordinal);
        }
        return new Version(responses, csvText, cells);
    }

    [GeneratedRegex(@"n = (\d+)")]
    private static partial Regex NEquals();

    private static string Digits(string text) => string.Concat(text.Where(char.IsDigit));

    /// <summary>
    /// Every way found of working out fewer than k respondents: a set of groups countable in one version, or in two
    /// versions, whose count lies between 1 and k − 1 (for the attacker: after taking off their own answers); when
    /// it is exactly one person, their answer is worked out and compared with what they sent.
    /// </summary>
    private static List<string> Leaks(List<Version> versions, List<Respondent> respondents)
    {
        var leaks = new List<string>();
        var measures = Questionnaire.Themes.SelectMany(t => t.Statements.Select(s => $"statement:{s.Key}").Append($"theme:{t.Key}")).Prepend("size").ToList();

        // The sum over a set of groups of a breakdown, if the version lets a reader count it: the groups one by one, or
        // everyone minus all the other groups.
        static double[]? Countable(Version version, string breakdown, string measure, int[] set, int[] all)
        {
            var everyone = version.Cells.GetValueOrDefault(("all", null, measure));
            var parts = set.Select(g => version.Cells.GetValueOrDefault((breakdown, g, measure))).ToList();
            if (parts.All(p => p is not null))
            {
                return parts.Aggregate(new double[parts[0]!.Length], (sum, p) => [.. sum.Zip(p!, (a, b) => a + b)]);
            }
            var rest = all.Except(set).Select(g => version.Cells.GetValueOrDefault((breakdown, g, measure))).ToList();
            if (everyone is null || rest.Any(p => p is null))
            {
                return null;
            }
            return rest.Aggregate(everyone, (left, p) => [.. left.Zip(p!, (a, b) => a - b)]);
        }

        bool InGroup(Respondent r, string breakdown, int[] set) => breakdown == "all" || set.Contains(r.Answers[breakdown]);
        // What one respondent adds to a measure's vector.
        static double[] Contribution(Respondent r, string measure)
        {
            if (measure == "size")
            {
                return [1];
            }
            if (measure.StartsWith("statement:", StringComparison.Ordinal))
            {
                var value = r.Answers[measure["statement:".Length..]];
                return [value > 0 ? 1 : 0, 1, .. Enumerable.Range(1, 5).Select(v => v == value ? 1.0 : 0)];
            }
            var theme = Questionnaire.Themes.Single(t => t.Key == measure["theme:".Length..]);
            return ResponseWriter.ThemeIndex(theme, r.Answers) is { } index ? [1, index] : [0, 0];
        }
        // The counts that must be 0 or at least k: respondents, answers on the scale and at all, respondents with an index.
        static int CountWidth(string measure) => measure.StartsWith("statement:", StringComparison.Ordinal) ? 2 : 1;

        var sets = new List<(string Breakdown, int[] Set, int[] All)> { ("all", [], []) };
        foreach (var background in Questionnaire.Background)
        {
            var all = background.Options.Select(o => o.Value).ToArray();
            for (var mask = 1; mask < 1 << all.Length; mask++)
            {
                sets.Add((background.Key, [.. all.Where((_, i) => (mask & (1 << i)) != 0)], all));
            }
        }
        double[]? Read(Version v, (string Breakdown, int[] Set, int[] All) s, string measure) =>
            s.Breakdown == "all" ? v.Cells.GetValueOrDefault(("all", null, measure)) : Countable(v, s.Breakdown, measure, s.Set, s.All);

        foreach (var measure in measures)
        {
            foreach (var set in sets)
            {
                var name = $"{set.Breakdown} {{{string.Join(",", set.Set)}}} {measure}";
                // Within a version.
                foreach (var version in versions)
                {
                    if (Read(version, set, measure) is { } within)
                    {
                        for (var c = 0; c < CountWidth(measure); c++)
                        {
                            if (within[c] is > 0 and < K)
                            {
                                leaks.Add($"{name} in the version at {version.Responses}: count {within[c]}");
                            }
                        }
                    }
                }
                // Between any two versions, with and without the attacker's own answers taken off.
                for (var i = 0; i < versions.Count; i++)
                {
                    for (var j = i + 1; j < versions.Count; j++)
                    {
                        if (Read(versions[i], set, measure) is not { } before || Read(versions[j], set, measure) is not { } after)
                        {
                            continue;
                        }
                        var newcomers = respondents.Skip(versions[i].Responses).Take(versions[j].Responses - versions[i].Responses).Where(r => InGroup(r, set.Breakdown, set.Set)).ToList();
                        foreach (var attacker in new[] { false, true })
                        {
                            var unknown = newcomers.Where(r => !(attacker && r.Attacker)).ToList();
                            var delta = after.Zip(before, (a, b) => a - b).ToArray();
                            foreach (var own in newcomers.Where(r => attacker && r.Attacker))
                            {
                                delta = [.. delta.Zip(Contribution(own, measure), (d, o) => d - o)];
                            }
                            for (var c = 0; c < CountWidth(measure); c++)
                            {
                                if (Math.Round(delta[c]) is > 0 and < K)
                                {
                                    var who = attacker ? "the attacker" : "a reader";
                                    var recovered = unknown.Count(r => Contribution(r, measure)[c] > 0) == 1 && Math.Round(delta[c]) == 1
                                        ? $"; recovered {string.Join(" ", delta.Select(d => Math.Round(d, 3).ToString(CultureInfo.InvariantCulture)))} = respondent {unknown.Single(r => Contribution(r, measure)[c] > 0).Number}'s {string.Join(" ", Contribution(unknown.Single(r => Contribution(r, measure)[c] > 0), measure).Select(x => Math.Round(x, 3).ToString(CultureInfo.InvariantCulture)))}"
                                        : "";
                                    leaks.Add($"{name} from {versions[i].Responses} to {versions[j].Responses}, by {who}: {Math.Round(delta[c])} of count {c}{recovered}");
                                }
                            }
                        }
                    }
                }
            }
        }
        return leaks;
    }
}

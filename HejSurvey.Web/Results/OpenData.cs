using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HejSurvey.Web.Survey;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// The results as one flat table, a row per group and statement and per group and theme: the same
/// suppressed figures as the page, for data.csv and data.json, described by datapackage.json.
/// A suppressed group keeps its rows with every figure empty and <c>suppressed</c> true, never zero.
/// Beside it, distribution.csv holds the same answer counts in long form, a row per group, statement and answer, so
/// that the answer is one column whose categories (the scale, in order) the data package can declare.
/// </summary>
public static class OpenData
{
    /// <summary>One column: its name and type in the Table Schema, what it means, and its value in a row.</summary>
    public sealed record Field<TRow>(string Name, string Type, string Description, Func<TRow, object?> Value);

    /// <summary>One line of the table; <see cref="Statement"/> is null on a theme's line.</summary>
    public sealed record Row(
        PublishedRound Round,
        GroupFigures Group,
        string GroupLabelSv,
        string GroupLabelEn,
        Theme Theme,
        Statement? Statement,
        StatementFigures? Figures,
        ThemeFigures? ThemeFigures);

    public const string Licence = "CC-BY-4.0";

    public static readonly IReadOnlyList<Field<Row>> Fields =
    [
        new("round", "string", "The round's identifier (its address on the site).", r => r.Round.Slug),
        new("breakdown", "string", "What the group is broken down by: all (everyone), orgtype, role or size.", r => r.Group.Breakdown.Length == 0 ? "all" : r.Group.Breakdown),
        new("group", "integer", "The background answer that defines the group (the option's value); 0 for everyone.", r => r.Group.Option ?? EveryoneCode),
        new("group_label_sv", "string", "The group in Swedish.", r => r.GroupLabelSv),
        new("group_label_en", "string", "The group in English.", r => r.GroupLabelEn),
        new("group_code", "string", "The group as one code: all (everyone), or the breakdown and the option, such as role-2; its categories give each group's label.", r => GroupCode(r.Group.Breakdown, r.Group.Option)),
        new("suppressed", "boolean", "True when this row's figures are suppressed: they rest on fewer than the minimum number of answers, or are hidden so that such figures cannot be worked out from the others. Every figure of the row is then empty, never zero.", r => r.Group.Suppressed || (r.Statement is null ? r.ThemeFigures?.Suppressed ?? true : r.Figures?.Suppressed ?? true)),
        new("group_size", "integer", "Respondents in the group; empty when the group is suppressed.", r => r.Group.Size),
        new("kind", "string", "statement: one statement's answers; theme: the theme's index.", r => r.Statement is null ? "theme" : "statement"),
        new("theme", "string", "The theme's key.", r => r.Theme.Key),
        new("statement", "string", "The statement's key; empty on a theme's row.", r => r.Statement?.Key),
        new("item", "string", "What the row is about: the statement's key, or on a theme's row the theme's key.", r => r.Statement?.Key ?? r.Theme.Key),
        new("text_sv", "string", "The statement (or the theme's title) in Swedish.", r => r.Statement?.Text.Sv ?? r.Theme.Title.Sv),
        new("text_en", "string", "The statement (or the theme's title) in English.", r => r.Statement?.Text.En ?? r.Theme.Title.En),
        new("n", "integer", "Statement: answers on the 1–5 scale (\"don't know\" not included). Theme: respondents with an index.", r => r.Statement is null ? r.ThemeFigures?.N : r.Figures?.N),
        .. Enumerable.Range(QuestionnaireDefinition.ScaleMin, QuestionnaireDefinition.ScaleMax - QuestionnaireDefinition.ScaleMin + 1).Select(value =>
            new Field<Row>($"count_{value}", "integer", $"Answers with the value {value} (1 = strongly disagree, 5 = strongly agree).", r => r.Figures?.Counts?[value - QuestionnaireDefinition.ScaleMin])),
        new("dont_know", "integer", "\"Don't know\" answers, left out of every share, mean and index.", r => r.Figures?.DontKnow),
        new("agree_share", "number", "Share who agree (4 or 5) among the answers on the scale, 0–1.", r => r.Figures?.Agree?.Value),
        new("agree_low", "number", "Lower end of the 95 % Wilson interval of agree_share.", r => r.Figures?.Agree?.Low),
        new("agree_high", "number", "Upper end of the 95 % Wilson interval of agree_share.", r => r.Figures?.Agree?.High),
        new("mean", "number", "Mean on the 1–5 scale.", r => r.Figures?.Mean?.Value),
        new("mean_low", "number", "Lower end of the 95 % t interval of the mean, never below 1.", r => r.Figures?.Mean?.Low),
        new("mean_high", "number", "Upper end of the 95 % t interval of the mean, never above 5.", r => r.Figures?.Mean?.High),
        new("index", "number", "Theme index 0–100: the mean of each respondent's statements on 0–100 (1 = 0, 5 = 100).", r => r.ThemeFigures?.Index?.Value),
        new("index_low", "number", "Lower end of the 95 % t interval of the index, never below 0.", r => r.ThemeFigures?.Index?.Low),
        new("index_high", "number", "Upper end of the 95 % t interval of the index, never above 100.", r => r.ThemeFigures?.Index?.High),
    ];

    /// <summary>
    /// One line of distribution.csv: how many in one group gave one statement one answer (a value of the scale, or
    /// "don't know"). <see cref="Count"/> is null when the statement's cell is suppressed in that group, as in data.csv.
    /// </summary>
    public sealed record DistributionRow(PublishedRound Round, GroupFigures Group, Theme Theme, Statement Statement, int Value, long? Count, bool Suppressed);

    public static readonly IReadOnlyList<Field<DistributionRow>> DistributionFields =
    [
        new("round", "string", "The round's identifier (its address on the site).", r => r.Round.Slug),
        new("breakdown", "string", "What the group is broken down by: all (everyone), orgtype, role or size.", r => r.Group.Breakdown.Length == 0 ? "all" : r.Group.Breakdown),
        new("group", "integer", "The background answer that defines the group (the option's value); 0 for everyone.", r => r.Group.Option ?? EveryoneCode),
        new("group_code", "string", "The group as one code: all (everyone), or the breakdown and the option, such as role-2; its categories give each group's label.", r => GroupCode(r.Group.Breakdown, r.Group.Option)),
        new("theme", "string", "The theme's key.", r => r.Theme.Key),
        new("item", "string", "The statement's key.", r => r.Statement.Key),
        new("value", "integer", "The answer: 1–5 on the agreement scale (1 = strongly disagree, 5 = strongly agree), or 0 for \"don't know\", which is not on the scale and is left out of every share, mean and index.", r => r.Value),
        new("count", "integer", "Answers in the group with this value; empty when the statement's figures are suppressed in the group.", r => r.Count),
        new("suppressed", "boolean", "True when the statement's figures are suppressed in this group, exactly as on the row of data.csv: every count is then empty, never zero.", r => r.Suppressed),
    ];

    /// <summary>The columns that tell the rows of distribution.csv apart.</summary>
    public static readonly string[] DistributionKey = ["breakdown", "group", "item", "value"];

    /// <summary>The value of <c>group</c> on the rows of everyone, so that no column of the primary key is ever empty.</summary>
    public const int EveryoneCode = 0;

    /// <summary>The columns that tell the rows apart.</summary>
    public static readonly string[] PrimaryKey = ["breakdown", "group", "kind", "item"];

    public static string GroupCode(string breakdown, int? option) =>
        breakdown.Length == 0 ? "all" : $"{breakdown}-{option?.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>How the table names the group of all respondents.</summary>
    public static readonly LocalizedText Everyone = new("Alla svarande", "All respondents");

    public static IEnumerable<Row> Rows(RoundResults results)
    {
        var questionnaire = results.Questionnaire;
        foreach (var group in results.AllGroups)
        {
            var label = group.Breakdown.Length == 0
                ? Everyone
                : questionnaire.Background.Single(b => b.Key == group.Breakdown).Options.Single(o => o.Value == group.Option).Text;
            foreach (var theme in questionnaire.Themes)
            {
                foreach (var statement in theme.Statements)
                {
                    yield return new Row(results.Round, group, label.Sv, label.En, theme, statement, group.Statements.GetValueOrDefault(statement.Key), null);
                }
                yield return new Row(results.Round, group, label.Sv, label.En, theme, null, null, group.Themes.GetValueOrDefault(theme.Key));
            }
        }
    }

    /// <summary>
    /// The answer counts of every statement in every group, a row per answer: the scale's values in order, then "don't
    /// know". Taken from the same suppressed figures as <see cref="Rows"/>: where data.csv hides a statement's row, all
    /// of its rows here are hidden too (empty counts, suppressed true), never zero.
    /// </summary>
    public static IEnumerable<DistributionRow> DistributionRows(RoundResults results)
    {
        var questionnaire = results.Questionnaire;
        foreach (var group in results.AllGroups)
        {
            foreach (var theme in questionnaire.Themes)
            {
                foreach (var statement in theme.Statements)
                {
                    var figures = group.Suppressed ? null : group.Statements.GetValueOrDefault(statement.Key);
                    var shown = figures is { Suppressed: false } ? figures : null;
                    foreach (var option in questionnaire.Scale)
                    {
                        yield return new DistributionRow(results.Round, group, theme, statement, option.Value, shown?.CountOf(option.Value), shown is null);
                    }
                    yield return new DistributionRow(results.Round, group, theme, statement, questionnaire.DontKnow.Value, shown?.DontKnow, shown is null);
                }
            }
        }
    }

    /// <summary>
    /// Plain UTF-8 without a byte order mark, as the data package declares: with one, Frictionless' libraries read the
    /// first column's name as "\uFEFFround" and find no column "round". Excel users get data.xlsx.
    /// </summary>
    public static string Csv(IEnumerable<Row> rows) => Csv(Fields, rows);

    /// <inheritdoc cref="Csv(IEnumerable{Row})"/>
    public static string Csv<TRow>(IReadOnlyList<Field<TRow>> fields, IEnumerable<TRow> rows)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', fields.Select(f => f.Name)).Append("\r\n");
        foreach (var row in rows)
        {
            csv.AppendJoin(',', fields.Select(f => CsvValue(f.Value(row)))).Append("\r\n");
        }
        return csv.ToString();
    }

    public static JsonArray Json(IEnumerable<Row> rows)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            var item = new JsonObject();
            foreach (var field in Fields)
            {
                item[field.Name] = JsonValue(field.Value(row));
            }
            array.Add(item);
        }
        return array;
    }

    /// <summary>What the data package says about who publishes the data and where it comes from.</summary>
    public sealed record Publisher(string Origin, string Organisation, string Email);

    /// <summary>
    /// The Frictionless Data Package (version 2, readable by version 1 tools): the table's schema with the coded
    /// columns' categories, the suppressed cells declared as missing values with their meaning, the primary key, both
    /// files, the licence, and who publishes it; the description is the round's method text.
    /// </summary>
    public static JsonObject DataPackage(PublishedRound round, QuestionnaireDefinition questionnaire, QuestionnaireVersion version, int minGroupSize, Publisher publisher, DateTime now, string description)
    {
        var page = $"{publisher.Origin}/results/{round.Slug}";
        var k = minGroupSize.ToString(CultureInfo.InvariantCulture);
        var suppressed = $"Not shown: the group has fewer than {k} respondents, the figure rests on fewer than {k} answers, it would let a hidden figure be worked out, or there is nothing to compute (no answer on the scale, or a single one for an interval). Never zero.";
        JsonArray Categories(IEnumerable<(string Value, string Label)> categories) =>
            [.. categories.Select(c => (JsonNode)new JsonObject { ["value"] = c.Value, ["label"] = c.Label })];
        // The coded columns both tables share; the statement's key is "statement" in data.csv and "item" in distribution.csv.
        JsonArray? SharedCategories(string name) => name switch
        {
            "breakdown" => Categories(questionnaire.Background.Select(b => (b.Key, b.Text.En)).Prepend(("all", Everyone.En))),
            "group_code" => Categories(questionnaire.Background.SelectMany(b => b.Options.Select(o => (GroupCode(b.Key, o.Value), $"{b.Text.En}: {o.Text.En}"))).Prepend(("all", Everyone.En))),
            "theme" => Categories(questionnaire.Themes.Select(t => (t.Key, t.Title.En))),
            "statement" => Categories(questionnaire.Statements.Select(st => (st.Key, st.Text.En))),
            _ => null,
        };
        JsonObject FieldOf(Field<Row> field)
        {
            var item = new JsonObject { ["name"] = field.Name, ["type"] = field.Type, ["description"] = field.Description };
            var categories = field.Name == "kind" ? Categories([("statement", "One statement's answers"), ("theme", "The theme's index")]) : SharedCategories(field.Name);
            if (categories is not null)
            {
                item["categories"] = categories;
                item["categoriesOrdered"] = false;
            }
            if (field.Name.StartsWith("count_", StringComparison.Ordinal)
                && questionnaire.Scale.FirstOrDefault(o => $"count_{o.Value.ToString(CultureInfo.InvariantCulture)}" == field.Name) is { } option)
            {
                item["description"] = $"Answers with the value {option.Value.ToString(CultureInfo.InvariantCulture)} on the ordered scale: {option.Text.En} ({option.Text.Sv}).";
            }
            if (PrimaryKey.Contains(field.Name))
            {
                item["constraints"] = new JsonObject { ["required"] = true };
            }
            else if (field.Type is "integer" or "number")
            {
                // Version 2: a missing value with its meaning, on the field (version 1 tools read the schema's list above).
                item["missingValues"] = new JsonArray(new JsonObject { ["value"] = "", ["label"] = suppressed });
            }
            return item;
        }
        JsonObject Schema() => new()
        {
            ["fields"] = new JsonArray([.. Fields.Select(f => (JsonNode)FieldOf(f))]),
            // Version 1 tools know only plain strings here; the meaning of an empty cell is on each field that can be empty.
            ["missingValues"] = new JsonArray(""),
            ["primaryKey"] = new JsonArray([.. PrimaryKey.Select(k => (JsonNode)k)]),
        };
        JsonObject DistributionFieldOf(Field<DistributionRow> field)
        {
            var item = new JsonObject { ["name"] = field.Name, ["type"] = field.Type, ["description"] = field.Description };
            if (SharedCategories(field.Name == "item" ? "statement" : field.Name) is { } categories)
            {
                item["categories"] = categories;
                item["categoriesOrdered"] = false;
            }
            switch (field.Name)
            {
                case "value":
                    // The scale in its order, as integers with their labels. "Don't know" is no step on that scale, so it
                    // is no category: it is declared as a missing value with its meaning, as SPSS and R get it in the
                    // raw data (user-missing 0, NA). Version 1 tools, which know neither, read 0 and the description.
                    item["categories"] = new JsonArray([.. questionnaire.Scale.Select(o => (JsonNode)new JsonObject { ["value"] = o.Value, ["label"] = $"{o.Text.En} ({o.Text.Sv})" })]);
                    item["categoriesOrdered"] = true;
                    item["missingValues"] = new JsonArray(new JsonObject
                    {
                        ["value"] = questionnaire.DontKnow.Value.ToString(CultureInfo.InvariantCulture),
                        ["label"] = $"{questionnaire.DontKnow.Text.En} ({questionnaire.DontKnow.Text.Sv}): not on the scale, left out of every share, mean and index.",
                    });
                    break;
                case "count":
                    item["missingValues"] = new JsonArray(new JsonObject { ["value"] = "", ["label"] = suppressed });
                    break;
            }
            return item;
        }
        JsonObject Resource(string name, string format, string mediaType) => new()
        {
            ["name"] = name,
            // Relative to this descriptor, which sits beside the data files.
            ["path"] = $"data.{format}",
            ["format"] = format,
            ["mediatype"] = mediaType,
            ["encoding"] = "utf-8",
            ["profile"] = "tabular-data-resource",
            ["schema"] = Schema(),
        };
        return new JsonObject
        {
            ["$schema"] = "https://datapackage.org/profiles/2.0/datapackage.json",
            ["profile"] = "tabular-data-package",
            ["name"] = round.Slug,
            ["title"] = round.TitleEn,
            ["description"] = description,
            // The figures of a closed round are final; live results of an open round are a preliminary version.
            ["version"] = round.State == Data.RoundState.Closed ? "1.0.0" : "0.1.0",
            // Made when the final figures were published; live results are made afresh with each version.
            ["created"] = (round.State == Data.RoundState.Closed && (round.PublishedAt ?? round.ClosedAt) is { } made ? DateTime.SpecifyKind(made, DateTimeKind.Utc) : now.ToUniversalTime()).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["homepage"] = page,
            ["keywords"] = new JsonArray("digitalisation", "public sector", "leadership", "user focus", "risk-taking", "survey"),
            ["sources"] = new JsonArray(new JsonObject
            {
                ["title"] = $"The answers to the questionnaire {questionnaire.Key} version {questionnaire.Version.ToString(CultureInfo.InvariantCulture)}, given on {publisher.Origin}",
                ["path"] = page,
            }),
            // A property of this site's own (Frictionless allows them): the version asked and, for each other version a
            // published round used, what a comparison across the two must not read as one series.
            ["questionnaire"] = Questionnaire(version),
            ["contributors"] = new JsonArray(new JsonObject
            {
                ["title"] = publisher.Organisation,
                ["email"] = publisher.Email,
                ["path"] = publisher.Origin,
                ["roles"] = new JsonArray("publisher"),
            }),
            ["licenses"] = new JsonArray(new JsonObject
            {
                ["name"] = Licence,
                ["path"] = "https://creativecommons.org/licenses/by/4.0/",
                ["title"] = "Creative Commons Attribution 4.0",
            }),
            ["resources"] = new JsonArray(
                Resource($"{round.Slug}-csv", "csv", "text/csv"),
                Resource($"{round.Slug}-json", "json", "application/json"),
                new JsonObject
                {
                    ["name"] = $"{round.Slug}-distribution",
                    ["path"] = "distribution.csv",
                    ["description"] = $"The answer counts of data.csv in long form: a row per group, statement and answer (the rows are told apart by {string.Join(", ", DistributionKey)}). Where data.csv hides a statement in a group, its counts here are hidden too.",
                    ["format"] = "csv",
                    ["mediatype"] = "text/csv",
                    ["encoding"] = "utf-8",
                    ["profile"] = "tabular-data-resource",
                    ["schema"] = new JsonObject
                    {
                        ["fields"] = new JsonArray([.. DistributionFields.Select(f => (JsonNode)DistributionFieldOf(f))]),
                        ["missingValues"] = new JsonArray(""),
                    },
                }),
        };
    }

    private static JsonObject Questionnaire(QuestionnaireVersion version)
    {
        static JsonObject Wording(LocalizedText text) => new() { ["sv"] = text.Sv, ["en"] = text.En };
        static JsonArray Keys(IEnumerable<string> keys) => new([.. keys.Select(k => (JsonNode)k)]);
        return new JsonObject
        {
            ["key"] = version.Key,
            ["version"] = version.Version,
            ["breaksInSeries"] = new JsonArray([.. version.Breaks.Select(b => (JsonNode)new JsonObject
            {
                ["comparedVersion"] = b.Version,
                ["description"] = $"Compared with a round on version {b.Version.ToString(CultureInfo.InvariantCulture)}: a reworded statement is a break in series (both wordings below); a statement only one version asked has no comparison; the indices of the themes listed are built from different statements.",
                ["reworded"] = new JsonArray([.. b.Reworded.Select(r => (JsonNode)new JsonObject
                {
                    ["item"] = r.Key,
                    ["wording"] = Wording(r.Wording),
                    ["comparedWording"] = Wording(r.OtherWording),
                })]),
                ["notAskedInCompared"] = Keys(b.NotAskedInOther),
                ["notAskedHere"] = Keys(b.NotAskedHere),
                ["themesDiffering"] = Keys(b.ThemesDiffering),
            })]),
        };
    }

    private static string CsvValue(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\r', '\n']) >= 0 => $"\"{s.Replace("\"", "\"\"", StringComparison.Ordinal)}\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static JsonNode? JsonValue(object? value) => value switch
    {
        null => null,
        bool b => b,
        double d => d,
        long l => l,
        int i => i,
        string s => s,
        _ => throw new InvalidOperationException($"No JSON for {value.GetType()}."),
    };
}

using System.Globalization;
using System.Text.Json;
using HejSurvey.Tests.Pages;

namespace HejSurvey.Tests.Programs;

/// <summary>The open data read by the tools of the standards it follows: Frictionless' own library.</summary>
[Trait("Category", InstalledProgram.Trait)]
public sealed class OpenDataProgramTests(SiteFactory site) : IClassFixture<SiteFactory>
{
    /// <summary>The folder of check.js and its package.json; .ci/run installs its node_modules with npm ci.</summary>
    private static string FrictionlessFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "HejSurvey.Tests", "Frictionless");
            if (File.Exists(Path.Combine(candidate, "check.js")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("HejSurvey.Tests/Frictionless was not found above the test output folder.");
    }

    [Fact]
    public async Task Frictionless_reads_the_zipped_data_package_saved_on_a_computer()
    {
        await site.PublishedRoundAsync("frictionless-zip", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var folder = InstalledProgram.Folder();
        System.IO.Compression.ZipFile.ExtractToDirectory(new MemoryStream(await browser.GetByteArrayAsync("/results/frictionless-zip/datapackage.zip")), folder);
        var check = FrictionlessFolder();

        var output = await InstalledProgram.RunOkAsync("node", folder, Path.Combine(check, "check.js"), Path.Combine(folder, "datapackage.json"));

        using var read = JsonDocument.Parse(output);
        foreach (var table in new[] { "data.csv", "distribution.csv" })
        {
            var expected = CsvTable.Read(await browser.GetStringAsync($"/results/frictionless-zip/{table}"));
            Assert.Equal(expected.Count, read.RootElement.GetProperty(table).GetProperty("rows").GetArrayLength());
        }
    }

    [Fact]
    public async Task Frictionless_reads_and_casts_every_row_of_data_csv_and_distribution_csv_through_their_data_package()
    {
        await site.PublishedRoundAsync("frictionless-round", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var folder = InstalledProgram.Folder();
        var csv = await browser.GetByteArrayAsync("/results/frictionless-round/data.csv");
        await File.WriteAllBytesAsync(Path.Combine(folder, "data.csv"), csv);
        var distributionCsv = await browser.GetByteArrayAsync("/results/frictionless-round/distribution.csv");
        await File.WriteAllBytesAsync(Path.Combine(folder, "distribution.csv"), distributionCsv);
        await File.WriteAllBytesAsync(Path.Combine(folder, "datapackage.json"), await browser.GetByteArrayAsync("/results/frictionless-round/datapackage.json"));
        var check = FrictionlessFolder();
        Assert.True(Directory.Exists(Path.Combine(check, "node_modules", "datapackage")), "Frictionless' library is not installed: run npm ci in HejSurvey.Tests/Frictionless (.ci/run does).");

        var output = await InstalledProgram.RunOkAsync("node", folder, Path.Combine(check, "check.js"), Path.Combine(folder, "datapackage.json"));

        using var read = JsonDocument.Parse(output);
        var table = read.RootElement.GetProperty("data.csv");
        var expected = CsvTable.Read(System.Text.Encoding.UTF8.GetString(csv));
        Assert.Equal(expected[0].Keys, table.GetProperty("headers").EnumerateArray().Select(h => h.GetString()));
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            // Cast by the schema: integers and numbers as numbers, booleans as booleans, empty cells as null.
            Assert.Equal("frictionless-round", rows[i].GetProperty("round").GetString());
            Assert.Equal(expected[i]["suppressed"] == "true", rows[i].GetProperty("suppressed").GetBoolean());
            Assert.Equal(expected[i]["group"], rows[i].GetProperty("group").GetInt32().ToString(CultureInfo.InvariantCulture));
            if (expected[i]["n"].Length == 0)
            {
                Assert.Equal(JsonValueKind.Null, rows[i].GetProperty("n").ValueKind);
            }
            else
            {
                Assert.Equal(expected[i]["n"], rows[i].GetProperty("n").GetInt64().ToString(CultureInfo.InvariantCulture));
            }
            if (expected[i]["agree_share"].Length > 0)
            {
                Assert.Equal(double.Parse(expected[i]["agree_share"], CultureInfo.InvariantCulture), rows[i].GetProperty("agree_share").GetDouble());
            }
        }
        Assert.Contains(rows, r => r.GetProperty("suppressed").GetBoolean());

        // The long table: every row cast, every coded value one of its field's categories, each with its label; the
        // answer "don't know" (0) is the value field's declared missing value, and a hidden count is null, never 0.
        var distribution = read.RootElement.GetProperty("distribution.csv");
        var expectedLong = CsvTable.Read(System.Text.Encoding.UTF8.GetString(distributionCsv));
        var longRows = distribution.GetProperty("rows").EnumerateArray().ToList();
        var labels = distribution.GetProperty("labels").EnumerateArray().ToList();
        Assert.Equal(expectedLong.Count, longRows.Count);
        var scale = ResultsSite.Questionnaire.Scale.ToDictionary(o => o.Value, o => $"{o.Text.En} ({o.Text.Sv})");
        for (var i = 0; i < longRows.Count; i++)
        {
            var value = longRows[i].GetProperty("value").GetInt32();
            Assert.Equal(expectedLong[i]["value"], value.ToString(CultureInfo.InvariantCulture));
            if (value == 0)
            {
                Assert.StartsWith("Don't know", labels[i].GetProperty("value").GetProperty("missing").GetString(), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(scale[value], labels[i].GetProperty("value").GetString());
            }
            Assert.Equal(expectedLong[i]["suppressed"] == "true", longRows[i].GetProperty("suppressed").GetBoolean());
            if (expectedLong[i]["count"].Length == 0)
            {
                Assert.Equal(JsonValueKind.Null, longRows[i].GetProperty("count").ValueKind);
            }
            else
            {
                Assert.Equal(expectedLong[i]["count"], longRows[i].GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture));
            }
            if (expectedLong[i]["group_code"] == "all")
            {
                Assert.Equal("All respondents", labels[i].GetProperty("group_code").GetString());
            }
        }
        Assert.Contains(labels, l => l.GetProperty("group_code").GetString() == "What is your role?: Manager");
        Assert.Contains(longRows, r => r.GetProperty("suppressed").GetBoolean() && r.GetProperty("count").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task The_workbook_opens_in_LibreOffice_with_the_figures_of_data_csv_and_hidden_cells_marked_never_zero()
    {
        await site.PublishedRoundAsync("workbook-round", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var folder = InstalledProgram.Folder();
        var csv = CsvTable.Read(await browser.GetStringAsync("/results/workbook-round/data.csv"));
        using var response = await browser.GetAsync("/results/workbook-round/data.xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        await File.WriteAllBytesAsync(Path.Combine(folder, "data.xlsx"), await response.Content.ReadAsByteArrayAsync());

        var sheets = await LabelledDataTests.SheetsAsync(folder, "data.xlsx");

        Assert.Equal(["Om tabellerna", "Per organisationens storlek", "Per organisationstyp", "Per roll", "Påståenden", "Temaindex"], sheets.Keys.Order(StringComparer.Ordinal));
        var about = sheets["Om tabellerna"];
        Assert.Equal("Omgång workbook-round: resultat per tema, påstående och grupp", about[0][0]);
        Assert.Contains(about, l => l[0].StartsWith("Källa: Hej digitalt", StringComparison.Ordinal) && l[0].Contains("http://localhost/results/workbook-round", StringComparison.Ordinal));
        Assert.Contains(about, l => l[0].StartsWith("Licens:", StringComparison.Ordinal) && l[0].Contains("CC BY 4.0", StringComparison.Ordinal));
        Assert.Contains(about, l => l[0].StartsWith("Kontakt:", StringComparison.Ordinal) && l[0].Contains("hej-digitalt@example.org", StringComparison.Ordinal));
        Assert.Contains(about, l => l[0].StartsWith(".. Uppgiften visas inte: gruppen har färre än 5 svarande", StringComparison.Ordinal));

        static string Percent(string share) => (double.Parse(share, CultureInfo.InvariantCulture) * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var statements = sheets["Påståenden"];
        Assert.Equal(["Grupp", "Tema", "Påstående", "Antal svar på skalan (n)", "Vet inte", "Andel som instämmer"], statements[0][..6]);
        foreach (var row in csv.Where(r => r["breakdown"] == "all" && r["kind"] == "statement"))
        {
            var line = statements.Single(l => l[2] == row["text_sv"]);
            Assert.Equal([row["group_label_sv"], row["n"], row["dont_know"]], [line[0], line[3], line[4]]);
            Assert.Equal(row["agree_share"].Length == 0 ? "–" : Percent(row["agree_share"]), line[5]);
            Assert.Equal(row["mean"].Length == 0 ? "–" : double.Parse(row["mean"], CultureInfo.InvariantCulture).ToString("0.00", CultureInfo.InvariantCulture), line[8]);
        }
        var themes = sheets["Temaindex"];
        Assert.Equal("55.0", themes.Single(l => l[1] == "Ledarskap")[2]);

        var byRole = sheets["Per roll"];
        foreach (var row in csv.Where(r => r["breakdown"] == "role" && r["kind"] == "statement"))
        {
            var line = byRole.Single(l => l[0] == row["group_label_sv"] && l[2] == row["text_sv"]);
            if (row["suppressed"] == "true")
            {
                // Every figure of a hidden group is the symbol explained on the first sheet: never zero, never blank.
                Assert.All(line[3..16], cell => Assert.Equal("..", cell));
            }
            else
            {
                Assert.Equal(row["n"], line[3]);
                Assert.Equal(row["count_3"], line[13]);
            }
        }
        Assert.Contains(csv, r => r["breakdown"] == "role" && r["suppressed"] == "true");
        Assert.Contains(csv, r => r["breakdown"] == "role" && r["suppressed"] == "false");

        using var english = await browser.GetAsync("/results/workbook-round/data.xlsx?culture=en");
        await File.WriteAllBytesAsync(Path.Combine(folder, "data-en.xlsx"), await english.Content.ReadAsByteArrayAsync());
        var englishSheets = await LabelledDataTests.SheetsAsync(folder, "data-en.xlsx");
        Assert.Contains("Statements", englishSheets.Keys);
        Assert.Equal(["Group", "Theme", "Statement", "Answers on the scale (n)", "Don't know", "Share who agree"], englishSheets["Statements"][0][..6]);
    }
}

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
    public async Task Frictionless_reads_and_casts_every_row_of_data_csv_through_its_data_package()
    {
        await site.PublishedRoundAsync("frictionless-round", ResultsSite.KnownAnswers());
        var browser = site.Browser();
        var folder = InstalledProgram.Folder();
        var csv = await browser.GetByteArrayAsync("/results/frictionless-round/data.csv");
        await File.WriteAllBytesAsync(Path.Combine(folder, "data.csv"), csv);
        await File.WriteAllBytesAsync(Path.Combine(folder, "datapackage.json"), await browser.GetByteArrayAsync("/results/frictionless-round/datapackage.json"));
        var check = FrictionlessFolder();
        Assert.True(Directory.Exists(Path.Combine(check, "node_modules", "datapackage")), "Frictionless' library is not installed: run npm ci in HejSurvey.Tests/Frictionless (.ci/run does).");

        var output = await InstalledProgram.RunOkAsync("node", folder, Path.Combine(check, "check.js"), Path.Combine(folder, "datapackage.json"));

        using var read = JsonDocument.Parse(output);
        var expected = CsvTable.Read(System.Text.Encoding.UTF8.GetString(csv));
        Assert.Equal(expected[0].Keys, read.RootElement.GetProperty("headers").EnumerateArray().Select(h => h.GetString()));
        var rows = read.RootElement.GetProperty("rows").EnumerateArray().ToList();
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
    }
}

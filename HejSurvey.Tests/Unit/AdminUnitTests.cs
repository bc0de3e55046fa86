using System.Text.RegularExpressions;
using System.Xml.Linq;
using HejSurvey.Web.Admin;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;

namespace HejSurvey.Tests.Unit;

public sealed partial class AdminUnitTests
{
    [Fact]
    public void Every_string_of_the_admin_area_has_an_English_text()
    {
        var web = FindWebProject();
        var english = XDocument.Load(Path.Combine(web, "Resources", "Text.en.resx")).Root!.Elements("data")
            .Select(d => d.Attribute("name")!.Value).ToHashSet();
        var sources = Directory.GetFiles(Path.Combine(web, "Pages", "Admin"), "*.cshtml*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(web, "Admin"), "*.cs"));

        var keys = sources.SelectMany(f => Localized().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Distinct().ToList();

        Assert.True(keys.Count > 50, "the scan found the admin strings");
        Assert.Equal([], keys.Where(k => !english.Contains(k)));
    }

    [Theory]
    [InlineData("2027-06-30T17:00", "2027-06-30T15:00")] // summer time, UTC+2
    [InlineData("2027-01-15T09:30", "2027-01-15T08:30")] // winter time, UTC+1
    public void Swedish_wall_clock_time_becomes_UTC_and_back(string swedish, string utc)
    {
        var local = DateTime.Parse(swedish, System.Globalization.CultureInfo.InvariantCulture);

        var stored = SwedishTime.ToUtc(local);

        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), stored);
        Assert.Equal(local, SwedishTime.FromUtc(stored!.Value));
    }

    [Fact]
    public void A_time_skipped_by_the_spring_clock_change_is_not_a_close_time()
    {
        Assert.Null(SwedishTime.ToUtc(new DateTime(2027, 3, 28, 2, 30, 0)));
    }

    [Fact]
    public void The_export_columns_follow_the_questionnaire_and_the_codebook_covers_each_once()
    {
        var questionnaire = ShippedQuestionnaires.Newest;

        var columns = ResponseExport.Columns(questionnaire);
        var codebook = ResponseExport.Codebook(questionnaire).ToList();

        Assert.Equal(["id", "date", "questionnaire_version", "lead_drive"], columns[..4]);
        Assert.Equal(["orgtype", "role", "size", "speedup"], columns[^4..]);
        Assert.Equal(columns, codebook.Select(c => c.Column));
        Assert.Equal(6, codebook.Single(c => c.Column == "lead_drive").Values.Count); // 1–5 and "don't know"
        var version = codebook.Single(c => c.Column == "questionnaire_version");
        Assert.Equal($"hej-digitalt version {questionnaire.Version}", Assert.Single(version.Values).LabelEn);
        Assert.Contains("hej-digitalt", version.TextSv, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_admin_passwords_are_long_and_differ()
    {
        var passwords = Enumerable.Range(0, 20).Select(_ => AdminCommand.RandomPassword()).ToList();

        Assert.All(passwords, p => Assert.True(p.Length >= AdminPassword.MinLength));
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
    }

    private static string FindWebProject()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var web = Path.Combine(folder.FullName, "HejSurvey.Web");
            if (Directory.Exists(Path.Combine(web, "Admin")))
            {
                return web;
            }
        }
        throw new DirectoryNotFoundException("HejSurvey.Web was not found above the test output.");
    }

    [GeneratedRegex(@"\b(?:T|text)\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Localized();
}

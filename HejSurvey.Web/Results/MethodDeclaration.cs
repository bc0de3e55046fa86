using System.Globalization;
using System.Text;
using HejSurvey.Web.Components;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// The method text of a published round, laid out as a quality declaration (kvalitetsdeklaration): who could answer,
/// the period and the counts, the questions, how each figure is computed, what the intervals mean, the protection of
/// individual respondents and the live-results policy. Every number and question comes from the round's own results
/// and questionnaire, every sentence from the site's texts: nothing is written per round. The method page shows it
/// and the data package carries the same text as its description.
/// </summary>
public sealed record MethodDeclaration(
    string Title,
    IReadOnlyList<MethodDeclaration.Section> Sections,
    IReadOnlyList<MethodDeclaration.GroupCount> Groups,
    IReadOnlyList<string> Scale,
    IReadOnlyList<MethodDeclaration.Question> Questions)
{
    public sealed record Section(string Id, string Heading, IReadOnlyList<string> Paragraphs);

    /// <summary>One line of the table of respondents per group; <see cref="Respondents"/> is null for a hidden group.</summary>
    public sealed record GroupCount(string Breakdown, string Group, long? Respondents);

    /// <summary>A question in full with its answers; a statement's answers are the <see cref="Scale"/>, listed once.</summary>
    public sealed record Question(string Part, string Text, IReadOnlyList<string> Answers);

    /// <summary>The declaration in the current UI culture.</summary>
    public static MethodDeclaration Of(RoundResults results, SurveyOptions options, int liveVersions, IStringLocalizer<Text> text)
    {
        var round = results.Round;
        var q = results.Questionnaire;
        var k = results.MinGroupSize;
        var dontKnow = q.DontKnow.Text.Current;
        var culture = CultureInfo.CurrentCulture;
        string Date(DateTime? at) => at is { } utc ? SwedishTime.FromUtc(utc).ToString("d MMMM yyyy", culture) : "";
        string Count(long n) => ResultFormat.Count(n);

        var sections = new List<Section>
        {
            new("who", text["Vilka kunde svara"], [
                text["Enkäten var öppen för alla med länken. De som svarade valde själva att göra det, så det finns ingen känd population, ingen svarsfrekvens och ingen viktning. Siffrorna beskriver dem som svarade, inte alla anställda i offentlig sektor."]]),
            new("period", text["Period och antal svar"], [
                round.State == RoundState.Closed
                    ? text["Omgången var öppen från {0} till {1}, och {2} svar ingår i siffrorna.", Date(round.OpenedAt), Date(round.ClosedAt), Count(round.Responses)]
                    : text["Omgången öppnade {0} och pågår. Siffrorna bygger på de {1} svar som fanns när den visade versionen togs fram.", Date(round.OpenedAt), Count(round.Responses)],
                text["Tabellen visar antalet svarande per grupp. En dold grupp visas som ”Dold”."]]),
            new("questions", text["Frågorna"], [
                text["Omgången använder version {0} av enkäten ”{1}”. Varje påstående besvarades på skalan 1–5, med ”{2}” som ett eget svar utanför skalan. Alla frågor och svarsalternativ står nedan.", q.Version, q.Title.Current, dontKnow]]),
            new("computation", text["Så räknas siffrorna"], [
                text["Andelen som instämmer är antalet svar 4 eller 5 delat med antalet svar på skalan 1–5; ”{0}” räknas inte.", dontKnow],
                text["Medelvärdet är medelvärdet av svaren på skalan 1–5, utan ”{0}”.", dontKnow],
                text["Ett temas index räknas först för varje svarande: medelvärdet av personens svar på temats påståenden, med ”{0}” utelämnat och skalan omräknad så att 1 = 0 och 5 = 100. Temats index är medelvärdet av de svarandes index; den som svarat ”{0}” på alla temats påståenden har inget index.", dontKnow],
                text["Andelar avrundas till hela procent från de exakta antalen, medelvärden till två decimaler och index till hela tal, alltid med hälften bort från noll. Därför kan andelarna av ett påstående summera till 99 eller 101 procent. Skillnader och förändringar räknas från de exakta andelarna och avrundas sedan, så en skillnad kan vara en procentenhet större eller mindre än skillnaden mellan de två avrundade andelarna."]]),
            new("uncertainty", text["Osäkerhet"], [
                text["Varje andel visas med ett 95-procentigt Wilsonintervall och varje medelvärde och index med ett 95-procentigt t-intervall. Intervallen visar hur mycket en siffra kunde ha varierat av slumpen om de svarande hade varit ett slumpmässigt urval."],
                text["De svarande är inget slumpmässigt urval utan har valt sig själva. Intervallen säger därför ingenting om hur mycket de som svarade skiljer sig från dem som inte svarade; den skillnaden kan vara större än intervallen."]]),
            new("protection", text["Skydd av enskilda svarande"], [
                text["Ingen siffra visas som bygger på färre än {0} svarande: en grupp med färre än {0} svarande visas inte, och inte heller ett påstående med färre än {0} svar på skalan eller ett tema med färre än {0} svarande som har ett index.", k],
                text["Så att en dold siffra inte kan räknas fram genom subtraktion döljs fler: har de dolda grupperna i en uppdelning tillsammans färre än {0} svar döljs också den minsta synliga gruppen för samma påstående, tema eller storlek; ett tema och dess påståenden visas eller döljs tillsammans i varje grupp; och en siffra som är dold för alla svarande är dold i alla grupper.", k],
                text["På sidan står ”Dold” där en siffra är dold. I filerna är en dold siffra tom och kolumnen suppressed är true, aldrig noll. Därför behöver grupperna inte summera till alla svarande."],
                text["Inom en synlig siffra visas fördelningen över skalan. Har alla i en grupp gett samma svar syns det; det är det vanliga skyddet på gruppnivå, inte ett skydd av varje enskilt svar."]]),
            new("live", text["Resultat under pågående omgång"], liveVersions == 0
                ? [text["Inga resultat visades medan omgången var öppen."]]
                : [
                    text["Medan omgången var öppen visades {0} versioner av resultaten.", liveVersions],
                    LiveRule(options, k, text),
                    text["En version som skulle dölja en siffra som den visade versionen visar väntar på fler svar, dock högst tills {0} nya svar har kommit in.", LiveSnapshots.WaitSteps * options.LiveStepOf(k)],
                    text["Slutresultatet är en version som de andra: kom färre än {0} svar efter den sista versionen är slutresultatet den versionen, och de sista svaren finns bara i rådata; annars prövas det mot varje visad version.", options.LiveStepOf(k)],
                    LiveRisk(options, k, text)]),
        };

        var groups = new List<GroupCount> { new(text["Alla svarande"], "", results.Everyone.Size) };
        foreach (var background in q.Background)
        {
            var figures = results.Breakdowns.GetValueOrDefault(background.Key) ?? [];
            groups.AddRange(background.Options.Select(o => new GroupCount(background.Text.Current, o.Text.Current, figures.FirstOrDefault(g => g.Option == o.Value)?.Size)));
        }

        var scale = q.Scale.Select(s => $"{s.Value} = {s.Text.Current}").Append(text["”{0}” (utanför skalan)", dontKnow].Value).ToList();
        var questions = new List<Question>();
        foreach (var theme in q.Themes)
        {
            questions.AddRange(theme.Statements.Select(s => new Question(theme.Title.Current, s.Text.Current, [])));
        }
        questions.AddRange(q.Background.Select(b => new Question(text["Bakgrundsfrågor"], b.Text.Current, [.. b.Options.Select(o => o.Text.Current)])));
        questions.Add(new Question(text["Fritext"], q.FreeText.Text.Current, [text["Publiceras aldrig."]]));

        return new MethodDeclaration(text["Kvalitetsdeklaration: {0}", round.Title(SiteLocalization.Language)], sections, groups, scale, questions);
    }

    /// <summary>The release rule of live results, as the results page and the method page state it.</summary>
    public static string LiveRule(SurveyOptions options, int minGroupSize, IStringLocalizer<Text> text) =>
        text["En ny version av resultaten tas fram med minst {0} minuters mellanrum och först efter minst {1} nya svar. I den nya versionen är varje siffra som går att räkna i båda versionerna antingen oförändrad eller ändrad med minst {2} svarande; annars är den dold. Antalet svar som visas är versionens, inte det löpande antalet.",
            options.LiveIntervalMinutes, options.LiveStepOf(minGroupSize), minGroupSize];

    /// <summary>What the rule cannot stop, in plain words.</summary>
    public static string LiveRisk(SurveyOptions options, int minGroupSize, IStringLocalizer<Text> text) =>
        text["Det som återstår är risken att någon själv skickar nästan alla svar mellan två versioner, minst {0} svar inom {1} minuter precis runt någon annans svar, och drar bort sina egna svar.",
            options.LiveStepOf(minGroupSize) - 1, options.LiveIntervalMinutes];

    /// <summary>The declaration as plain text, in English, for the data package's description.</summary>
    public static string PlainText(RoundResults results, SurveyOptions options, int liveVersions, IStringLocalizer<Text> text)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = SiteLocalization.English;
            var declaration = Of(results, options, liveVersions, text);
            var plain = new StringBuilder(declaration.Title).Append("\n\n");
            foreach (var section in declaration.Sections)
            {
                plain.Append(section.Heading).Append('\n');
                foreach (var paragraph in section.Paragraphs)
                {
                    plain.Append(paragraph).Append('\n');
                }
                if (section.Id == "period")
                {
                    foreach (var group in declaration.Groups)
                    {
                        var name = group.Group.Length == 0 ? group.Breakdown : $"{group.Breakdown} {group.Group}";
                        plain.Append("- ").Append(name).Append(": ").Append(group.Respondents is { } n ? ResultFormat.Count(n) : text["Dold"].Value).Append('\n');
                    }
                }
                if (section.Id == "questions")
                {
                    plain.Append(text["Svarsskala för påståendena"].Value).Append(": ").AppendJoin("; ", declaration.Scale).Append('\n');
                    foreach (var question in declaration.Questions)
                    {
                        plain.Append("- ").Append(question.Part).Append(": ").Append(question.Text);
                        if (question.Answers.Count > 0)
                        {
                            plain.Append(" (").AppendJoin("; ", question.Answers).Append(')');
                        }
                        plain.Append('\n');
                    }
                }
                plain.Append('\n');
            }
            return plain.ToString().TrimEnd();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}

using System.Globalization;
using System.Xml.Linq;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.Extensions.Options;

namespace HejSurvey.Web.OpenResults;

/// <summary>
/// The site's open data described in DCAT-AP-SE, as Sveriges dataportal harvests it: RDF/XML with absolute IRIs only
/// (from <see cref="PublicOrigin"/>), no blank node for the catalogue, the datasets, their distributions, the publisher
/// or the contact point; the licence exactly as http://creativecommons.org/licenses/by/4.0/; the publisher as
/// http://dataportal.se/organisation/SE&lt;organisation number&gt;. One dataset per published round, with a
/// distribution for each of its files and one for the API, which is described once as a data service.
/// Served at /catalog.rdf and at /datasets/dcat, the address the portal pre-registers for public bodies.
/// </summary>
public static class Catalogue
{
    public const string Licence = "http://creativecommons.org/licenses/by/4.0/";
    public const string MediaType = "application/rdf+xml";

    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Rdfs = "http://www.w3.org/2000/01/rdf-schema#";
    private static readonly XNamespace Dct = "http://purl.org/dc/terms/";
    private static readonly XNamespace Dcat = "http://www.w3.org/ns/dcat#";
    private static readonly XNamespace Foaf = "http://xmlns.com/foaf/0.1/";
    private static readonly XNamespace Vcard = "http://www.w3.org/2006/vcard/ns#";
    private const string XsdDate = "http://www.w3.org/2001/XMLSchema#date";
    private const string Languages = "http://publications.europa.eu/resource/authority/language/";
    private const string DataThemes = "http://publications.europa.eu/resource/authority/data-theme";
    private const string Sweden = "http://sws.geonames.org/2661886";

    /// <summary>A file of a round's open data: the name after /results/{slug}/, its media type and its name in both languages.</summary>
    private sealed record DataFile(string Name, string MediaType, string TitleSv, string TitleEn);

    private static readonly DataFile[] Files =
    [
        new("data.csv", "text/csv", "Tabell (CSV)", "Table (CSV)"),
        new("distribution.csv", "text/csv", "Svarsfördelning per påstående, svar och grupp (CSV)", "Answers by statement, answer and group (CSV)"),
        new("data.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Tabell för kalkylprogram (Excel)", "Table for spreadsheets (Excel)"),
        new("data.json", "application/json", "Tabell (JSON)", "Table (JSON)"),
        new("datapackage.json", "application/json", "Beskrivning av tabellen (Frictionless Data Package)", "Description of the table (Frictionless Data Package)"),
        new("datapackage.zip", "application/zip", "Tabellerna med sin beskrivning i en fil (Frictionless Data Package, zip)", "The tables with their description in one file (Frictionless Data Package, zip)"),
    ];

    public static void MapCatalogue(this WebApplication app)
    {
        var catalogue = app.MapGroup("").CacheOutput(ResultsSetup.CachePolicy).ExcludeFromDescription();
        catalogue.MapGet("/catalog.rdf", ServeAsync);
        catalogue.MapGet("/datasets/dcat", ServeAsync);
    }

    private static async Task<IResult> ServeAsync(SurveyDb db, IOptions<ContactOptions> contact, IOptions<SurveyOptions> survey, TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        var rounds = await RoundResults.PublishedAsync(db, survey.Value.LiveStepOf(survey.Value.MinGroupSize()), cancellationToken);
        var document = Write(rounds, PublicOrigin.For(context), contact.Value, clock.GetUtcNow().UtcDateTime);
        return Results.Text(document.Declaration + "\n" + document.ToString(), $"{MediaType}; charset=utf-8");
    }

    public static XDocument Write(IReadOnlyList<PublishedRound> rounds, string origin, ContactOptions contact, DateTime now)
    {
        var catalogue = $"{origin}/catalog.rdf#catalogue";
        var publisher = contact.OrganisationDigits is { } number ? $"http://dataportal.se/organisation/SE{number}" : $"{origin}/#publisher";
        var contactPoint = $"{origin}/#contact";
        var api = $"{origin}/api/rounds#service";

        static XElement Resource(XName property, string iri) => new(property, new XAttribute(Rdf + "resource", iri));
        static XElement Text(XName property, string language, string value) => new(property, new XAttribute(XNamespace.Xml + "lang", language), value);
        static XElement Date(XName property, DateTime utc) =>
            new(property, new XAttribute(Rdf + "datatype", XsdDate), SwedishTime.FromUtc(utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        static IEnumerable<XElement> Both(XName property, string sv, string en) => [Text(property, "sv", sv), Text(property, "en", en)];

        var datasets = new List<XElement>();
        var distributions = new List<XElement>();
        foreach (var round in rounds)
        {
            var page = $"{origin}/results/{round.Slug}";
            var dataset = $"{page}#dataset";
            var issued = round.PublishedAt ?? round.ClosedAt ?? round.OpenedAt ?? now;
            var modified = round.State == RoundState.Closed && round.ClosedAt is { } closed ? closed : now;
            var roundDistributions = new List<string>();
            foreach (var file in Files)
            {
                var iri = $"{page}/{file.Name}#distribution";
                roundDistributions.Add(iri);
                distributions.Add(new XElement(Dcat + "Distribution", new XAttribute(Rdf + "about", iri),
                    Both(Dct + "title", file.TitleSv, file.TitleEn),
                    Both(Dct + "description",
                        $"Resultaten av omgången {round.TitleSv} per påstående, tema och grupp; små grupper är dolda.",
                        $"The results of the round {round.TitleEn} by statement, theme and group; small groups are hidden."),
                    Resource(Dcat + "accessURL", $"{page}/{file.Name}"),
                    Resource(Dcat + "downloadURL", $"{page}/{file.Name}"),
                    new XElement(Dct + "format", file.MediaType),
                    Resource(Dcat + "mediaType", $"http://www.iana.org/assignments/media-types/{file.MediaType}"),
                    Resource(Dct + "license", Licence)));
            }
            var apiDistribution = $"{origin}/api/rounds/{round.Slug}/results#distribution";
            roundDistributions.Add(apiDistribution);
            distributions.Add(new XElement(Dcat + "Distribution", new XAttribute(Rdf + "about", apiDistribution),
                Both(Dct + "title", "API (JSON)", "API (JSON)"),
                Both(Dct + "description", $"Samma resultat för omgången {round.TitleSv} genom sidans JSON-API.", $"The same results of the round {round.TitleEn} through the site's JSON API."),
                Resource(Dcat + "accessURL", $"{origin}/api/rounds/{round.Slug}/results"),
                new XElement(Dct + "format", "application/json"),
                Resource(Dcat + "mediaType", "http://www.iana.org/assignments/media-types/application/json"),
                Resource(Dct + "license", Licence),
                Resource(Dcat + "accessService", api)));

            datasets.Add(new XElement(Dcat + "Dataset", new XAttribute(Rdf + "about", dataset),
                Both(Dct + "title", round.TitleSv, round.TitleEn),
                Both(Dct + "description",
                    $"Vad anställda i offentlig sektor svarade i enkätomgången {round.TitleSv} om hur digitaliseringen leds där de arbetar: ledarskap, användarfokus och risktagande. Andelar, medelvärden och index med 95-procentiga intervall, för alla och per organisationstyp, roll och storlek; grupper med för få svarande är dolda.",
                    $"What public-sector staff answered in the survey round {round.TitleEn} about how digitalisation is led where they work: leadership, user focus and risk-taking. Shares, means and indices with 95 % intervals, for everyone and by organisation type, role and size; groups with too few respondents are hidden."),
                Resource(Dct + "publisher", publisher),
                Resource(Dcat + "contactPoint", contactPoint),
                roundDistributions.Select(d => Resource(Dcat + "distribution", d)),
                Both(Dcat + "keyword", "digitalisering", "digitalisation"),
                Both(Dcat + "keyword", "offentlig sektor", "public sector"),
                Both(Dcat + "keyword", "ledarskap", "leadership"),
                Both(Dcat + "keyword", "enkät", "survey"),
                Resource(Dcat + "theme", $"{DataThemes}/GOVE"),
                Resource(Dcat + "landingPage", page),
                Resource(Dct + "spatial", Sweden),
                Resource(Dct + "language", $"{Languages}SWE"),
                Resource(Dct + "language", $"{Languages}ENG"),
                Resource(Dct + "accessRights", "http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
                Date(Dct + "issued", issued),
                Date(Dct + "modified", modified),
                // The period of time is the only node without an IRI: the portal asks for IRIs only on the catalogue,
                // datasets, distributions, publisher and contact.
                new XElement(Dct + "temporal", new XElement(Dct + "PeriodOfTime",
                    round.OpenedAt is { } opened ? Date(Dcat + "startDate", opened) : null,
                    round.ClosedAt is { } end ? Date(Dcat + "endDate", end) : null))));
        }

        var published = rounds.Select(r => r.ClosedAt ?? r.OpenedAt).OfType<DateTime>().ToList();
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Rdf + "RDF",
                new XAttribute(XNamespace.Xmlns + "rdf", Rdf),
                new XAttribute(XNamespace.Xmlns + "rdfs", Rdfs),
                new XAttribute(XNamespace.Xmlns + "dcterms", Dct),
                new XAttribute(XNamespace.Xmlns + "dcat", Dcat),
                new XAttribute(XNamespace.Xmlns + "foaf", Foaf),
                new XAttribute(XNamespace.Xmlns + "vcard", Vcard),
                new XElement(Dcat + "Catalog", new XAttribute(Rdf + "about", catalogue),
                    Both(Dct + "title", "Hej digitalt – öppna data", "Hej digitalt – open data"),
                    Both(Dct + "description",
                        "Öppna resultat av enkäten Hej digitalt om hur digitaliseringen leds i offentlig sektor, en datamängd per publicerad omgång.",
                        "Open results of the Hej digitalt survey on how digitalisation is led in the Swedish public sector, one dataset per published round."),
                    Resource(Dct + "publisher", publisher),
                    Resource(Dct + "license", Licence),
                    Resource(Foaf + "homepage", $"{origin}/"),
                    Resource(Dct + "language", $"{Languages}SWE"),
                    Resource(Dct + "language", $"{Languages}ENG"),
                    Resource(Dcat + "themeTaxonomy", DataThemes),
                    published.Count > 0 ? Date(Dct + "issued", published.Min()) : null,
                    published.Count > 0 ? Date(Dct + "modified", published.Max()) : null,
                    datasets.Select(d => Resource(Dcat + "dataset", (string)d.Attribute(Rdf + "about")!))),
                new XElement(Foaf + "Agent", new XAttribute(Rdf + "about", publisher),
                    new XElement(Foaf + "name", contact.Organisation),
                    contact.PublisherTypeIri is { } publisherType ? Resource(Dct + "type", publisherType) : null),
                new XElement(Vcard + "Organization", new XAttribute(Rdf + "about", contactPoint),
                    new XElement(Vcard + "fn", contact.Organisation),
                    Resource(Vcard + "hasEmail", $"mailto:{contact.Email}")),
                new XElement(Dcat + "DataService", new XAttribute(Rdf + "about", api),
                    Both(Dct + "title", "Hej digitalt – API för öppna resultat", "Hej digitalt – open results API"),
                    Resource(Dcat + "endpointURL", $"{origin}/api/rounds"),
                    Resource(Dcat + "endpointDescription", $"{origin}/openapi/v1.json"),
                    Resource(Dct + "license", Licence),
                    Resource(Dct + "accessRights", "http://publications.europa.eu/resource/authority/access-right/PUBLIC"),
                    datasets.Select(d => Resource(Dcat + "servesDataset", (string)d.Attribute(Rdf + "about")!))),
                new XElement(Rdf + "Description", new XAttribute(Rdf + "about", Sweden),
                    Text(Rdfs + "label", "sv", "Sverige"),
                    Text(Rdfs + "label", "en", "Sweden")),
                datasets,
                distributions));
    }
}

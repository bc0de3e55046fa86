using System.Net;
using System.Text.RegularExpressions;
using HejSurvey.Tests.Pages;

namespace HejSurvey.Tests.Programs;

/// <summary>The site as a public body would run it: its public address and organisation number set.</summary>
public sealed class CatalogueSiteFactory : SiteFactory
{
    public CatalogueSiteFactory()
    {
        Settings["Site:PublicOrigin"] = "https://hejdigitalt.example.se";
        Settings["Contact:OrganisationNumber"] = "202100-5489";
        Settings["Contact:Organisation"] = "Exempelmyndigheten";
        Settings["Contact:Email"] = "oppnadata@example.se";
        Settings["Contact:PublisherType"] = "NationalAuthority";
    }
}

/// <summary>
/// catalog.rdf parsed by a real RDF/XML parser (Raptor's rapper, from Debian) into triples, and checked against the
/// mandatory and recommended properties of DCAT-AP-SE and what Sveriges dataportal's harvester needs.
/// </summary>
[Trait("Category", InstalledProgram.Trait)]
public sealed partial class CatalogueTests(CatalogueSiteFactory site) : IClassFixture<CatalogueSiteFactory>
{
    private const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private const string Dct = "http://purl.org/dc/terms/";
    private const string Dcat = "http://www.w3.org/ns/dcat#";
    private const string Foaf = "http://xmlns.com/foaf/0.1/";
    private const string Vcard = "http://www.w3.org/2006/vcard/ns#";
    private const string Origin = "https://hejdigitalt.example.se";

    /// <summary>DCAT-AP-SE's mandatory properties of each class (the profile's "obligatorisk").</summary>
    private static readonly Dictionary<string, string[]> Mandatory = new()
    {
        [Dcat + "Catalog"] = [Dct + "title", Dct + "description", Dct + "publisher", Dcat + "dataset", Dct + "license"],
        [Dcat + "Dataset"] = [Dct + "title", Dct + "description", Dct + "publisher"],
        [Dcat + "Distribution"] = [Dcat + "accessURL"],
        [Foaf + "Agent"] = [Foaf + "name"],
        [Vcard + "Organization"] = [Vcard + "fn", Vcard + "hasEmail"],
        [Dcat + "DataService"] = [Dct + "title", Dcat + "endpointURL"],
    };

    /// <summary>Its recommended properties ("rekommenderad") that apply to this site's data.</summary>
    private static readonly Dictionary<string, string[]> Recommended = new()
    {
        [Dcat + "Catalog"] = [Foaf + "homepage", Dct + "language", Dct + "issued", Dct + "modified", Dcat + "themeTaxonomy"],
        [Dcat + "Dataset"] = [Dcat + "contactPoint", Dcat + "distribution", Dcat + "keyword", Dcat + "theme", Dct + "issued", Dct + "modified", Dct + "temporal", Dct + "spatial"],
        [Dcat + "Distribution"] = [Dct + "title", Dct + "description", Dct + "format", Dct + "license"],
        [Dcat + "DataService"] = [Dct + "license", Dct + "accessRights", Dcat + "endpointDescription"],
        [Foaf + "Agent"] = [Dct + "type"],
    };

    private sealed record Triple(string Subject, string Predicate, string Object);

    [GeneratedRegex("""^(<[^>]*>|_:\S+) <([^>]*)> (<[^>]*>|_:\S+|".*"(?:@[A-Za-z-]+|\^\^<[^>]*>)?) \.$""")]
    private static partial Regex NTriple();

    [Theory]
    [InlineData("/catalog.rdf")]
    [InlineData("/datasets/dcat")]
    public async Task The_catalogue_parses_as_RDF_XML_and_holds_every_property_DCAT_AP_SE_asks_for(string url)
    {
        var round = await site.PublishedRoundAsync($"catalogue-{url.Length}", Enumerable.Range(0, 5).Select(_ => ResultsSite.Answer()));
        var browser = site.Browser();
        using var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/rdf+xml", response.Content.Headers.ContentType?.MediaType);
        var folder = InstalledProgram.Folder();
        await File.WriteAllBytesAsync(Path.Combine(folder, "catalog.rdf"), await response.Content.ReadAsByteArrayAsync());

        var ntriples = await InstalledProgram.RunOkAsync("rapper", folder, "--quiet", "-i", "rdfxml", "-o", "ntriples", "catalog.rdf", $"{Origin}/catalog.rdf");

        var triples = ntriples.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var match = NTriple().Match(line);
            Assert.True(match.Success, $"not a triple: {line}");
            return new Triple(match.Groups[1].Value.Trim('<', '>'), match.Groups[2].Value, match.Groups[3].Value.StartsWith('<') ? match.Groups[3].Value.Trim('<', '>') : Regex.Unescape(match.Groups[3].Value));
        }).ToList();
        var types = triples.Where(t => t.Predicate == Rdf + "type").ToLookup(t => t.Object, t => t.Subject);
        foreach (var (type, properties) in Mandatory.Concat(Recommended))
        {
            Assert.NotEmpty(types[type]);
            foreach (var subject in types[type])
            {
                foreach (var property in properties)
                {
                    Assert.True(triples.Any(t => t.Subject == subject && t.Predicate == property), $"{subject} ({type}) has no {property}");
                }
            }
        }

        // The harvester: absolute IRIs everywhere, and no blank node for the catalogue, datasets, distributions, publisher or contact.
        Assert.All(triples.SelectMany(t => new[] { t.Subject, t.Object }).Where(n => !n.StartsWith('"') && !n.StartsWith("_:", StringComparison.Ordinal)),
            iri => Assert.True(Uri.TryCreate(iri, UriKind.Absolute, out _), $"not an absolute IRI: {iri}"));
        foreach (var type in new[] { Dcat + "Catalog", Dcat + "Dataset", Dcat + "Distribution", Foaf + "Agent", Vcard + "Organization" })
        {
            Assert.All(types[type], subject => Assert.False(subject.StartsWith("_:", StringComparison.Ordinal), $"a {type} is a blank node"));
        }
        var catalogue = Assert.Single(types[Dcat + "Catalog"]);
        Assert.Contains(new Triple(catalogue, Dct + "license", "http://creativecommons.org/licenses/by/4.0/"), triples);
        Assert.Contains(new Triple(catalogue, Dct + "publisher", "http://dataportal.se/organisation/SE2021005489"), triples);
        Assert.Contains(new Triple("http://dataportal.se/organisation/SE2021005489", Foaf + "name", "\"Exempelmyndigheten\""), triples);
        Assert.Contains(new Triple("http://dataportal.se/organisation/SE2021005489", Dct + "type", "http://purl.org/adms/publishertype/NationalAuthority"), triples);
        Assert.Contains(types[Vcard + "Organization"], c => triples.Contains(new Triple(c, Vcard + "hasEmail", "mailto:oppnadata@example.se")));

        // The round as a dataset, in Swedish and English, with every file and the API as distributions.
        var dataset = $"{Origin}/results/{round.Slug}#dataset";
        Assert.Contains(new Triple(catalogue, Dcat + "dataset", dataset), triples);
        Assert.Contains(new Triple(dataset, Dct + "title", $"\"Omgång {round.Slug}\"@sv"), triples);
        Assert.Contains(new Triple(dataset, Dct + "title", $"\"Round {round.Slug}\"@en"), triples);
        var downloads = triples.Where(t => t.Predicate == Dcat + "downloadURL").Select(t => t.Object).ToList();
        foreach (var file in new[] { "data.csv", "distribution.csv", "data.xlsx", "data.json", "datapackage.json", "datapackage.zip" })
        {
            Assert.Contains($"{Origin}/results/{round.Slug}/{file}", downloads);
        }
        Assert.Contains(triples, t => t.Predicate == Dcat + "accessURL" && t.Object == $"{Origin}/api/rounds/{round.Slug}/results");
        Assert.All(types[Dcat + "Distribution"], d => Assert.Contains(new Triple(d, Dct + "license", "http://creativecommons.org/licenses/by/4.0/"), triples));
        var period = Assert.Single(triples, t => t.Subject == dataset && t.Predicate == Dct + "temporal").Object;
        Assert.Contains(triples, t => t.Subject == period && t.Predicate == Dcat + "startDate" && t.Object.EndsWith("^^<http://www.w3.org/2001/XMLSchema#date>", StringComparison.Ordinal));
        Assert.Contains(triples, t => t.Subject == period && t.Predicate == Dcat + "endDate");
    }
}

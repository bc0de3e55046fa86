namespace HejSurvey.Web.Site;

/// <summary>Settings under "Contact": who answers for the site, named on the accessibility statement and the privacy notice.</summary>
public sealed class ContactOptions
{
    /// <summary>The organisation that runs the site and is responsible for the answers.</summary>
    public string Organisation { get; set; } = "Hej digitalt";

    /// <summary>Where to report accessibility problems and ask about personal data; set it for a real deployment.</summary>
    public string Email { get; set; } = "hej-digitalt@example.org";

    /// <summary>
    /// The organisation's Swedish organisation number (10 digits; a hyphen is allowed): Sveriges dataportal knows a
    /// publisher as http://dataportal.se/organisation/SE&lt;number&gt;. Unset, the catalogue names the publisher with
    /// an address on this site instead.
    /// </summary>
    public string? OrganisationNumber { get; set; }

    /// <summary>
    /// What kind of body the publisher is, as a term of the ADMS publisher type vocabulary (e.g. NationalAuthority for a
    /// state agency, LocalAuthority for a municipality): DCAT-AP-SE recommends it on the publisher. Unset, the catalogue
    /// leaves it out.
    /// </summary>
    public string? PublisherType { get; set; }

    /// <summary>The publisher type's IRI in the ADMS vocabulary, or null when unset or not one of its terms.</summary>
    public string? PublisherTypeIri =>
        PublisherType?.Trim() is { Length: > 0 } term && PublisherTypes.Terms.Contains(term) ? PublisherTypes.Vocabulary + term : null;

    /// <summary>The organisation number as the portal writes it (digits only), or null when unset or not 10 digits.</summary>
    public string? OrganisationDigits =>
        OrganisationNumber?.Replace("-", "", StringComparison.Ordinal).Trim() is { Length: 10 } digits && digits.All(char.IsAsciiDigit) ? digits : null;
}

/// <summary>The ADMS publisher type vocabulary (http://purl.org/adms/publishertype/), which DCAT-AP-SE uses for dcterms:type on a publisher.</summary>
public static class PublisherTypes
{
    public const string Vocabulary = "http://purl.org/adms/publishertype/";

    /// <summary>Every term of the vocabulary, spelt as in its IRIs (case matters: the IRI must be the vocabulary's own).</summary>
    public static readonly IReadOnlySet<string> Terms = new HashSet<string>(StringComparer.Ordinal)
    {
        "Academia-ScientificOrganisation", "Company", "IndustryConsortium", "LocalAuthority", "NationalAuthority",
        "NonGovernmentalOrganisation", "NonProfitOrganisation", "PrivateIndividual(s)", "RegionalAuthority",
        "StandardisationBody", "SupraNationalAuthority",
    };
}

public static class SiteContact
{
    public const string PublisherTypeSetting = "Contact:PublisherType";

    public static WebApplicationBuilder AddSiteContact(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContactOptions>().BindConfiguration("Contact")
            // A misspelt type would put an IRI in the catalogue that the portal does not know: refused at start instead.
            .Validate(o => string.IsNullOrWhiteSpace(o.PublisherType) || o.PublisherTypeIri is not null,
                $"{PublisherTypeSetting} must be one of the terms of the ADMS publisher type vocabulary ({PublisherTypes.Vocabulary}): {string.Join(", ", PublisherTypes.Terms.Order(StringComparer.Ordinal))}.")
            .ValidateOnStart();
        return builder;
    }
}

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

    /// <summary>The organisation number as the portal writes it (digits only), or null when unset or not 10 digits.</summary>
    public string? OrganisationDigits =>
        OrganisationNumber?.Replace("-", "", StringComparison.Ordinal).Trim() is { Length: 10 } digits && digits.All(char.IsAsciiDigit) ? digits : null;
}

public static class SiteContact
{
    public static WebApplicationBuilder AddSiteContact(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContactOptions>().BindConfiguration("Contact");
        return builder;
    }
}

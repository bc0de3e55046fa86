namespace HejSurvey.Web.Site;

/// <summary>Settings under "Contact": who answers for the site, named on the accessibility statement and the privacy notice.</summary>
public sealed class ContactOptions
{
    /// <summary>The organisation that runs the site and is responsible for the answers.</summary>
    public string Organisation { get; set; } = "Hej digitalt";

    /// <summary>Where to report accessibility problems and ask about personal data; set it for a real deployment.</summary>
    public string Email { get; set; } = "hej-digitalt@example.org";
}

public static class SiteContact
{
    public static WebApplicationBuilder AddSiteContact(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ContactOptions>().BindConfiguration("Contact");
        return builder;
    }
}

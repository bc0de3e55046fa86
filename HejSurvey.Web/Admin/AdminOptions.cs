namespace HejSurvey.Web.Admin;

/// <summary>Settings under "Admin" in configuration.</summary>
public sealed class AdminOptions
{
    /// <summary>Failed logins in a row that lock an account.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Login posts per client address and minute. An office behind one address still gets a handful.</summary>
    public int LoginPermitsPerAddressPerMinute { get; set; } = 10;

    /// <summary>
    /// How long a sign-in lasts at most. Using the admin pages keeps the cookie fresh but never carries a session past
    /// this many hours from its start.
    /// </summary>
    public int SessionHours { get; set; } = 8;

    /// <summary>Login posts per admin name and minute, whatever address they come from.</summary>
    public int LoginPermitsPerNamePerMinute { get; set; } = 5;

    /// <summary>
    /// Creates an admin named "admin" with a random password printed once to the console when there is none.
    /// Null means: only in Development. Never honoured in Production.
    /// </summary>
    public bool? CreateFirstAdmin { get; set; }

    /// <summary>How often the round closer looks for rounds whose close time has passed.</summary>
    public int CloseCheckSeconds { get; set; } = 30;

    /// <summary>Below this much free disk space in the database folder the site reports itself unhealthy.</summary>
    public long MinimumFreeDiskMegabytes { get; set; } = 200;
}

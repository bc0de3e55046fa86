using System.Globalization;
using HejSurvey.Web.Site;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>
/// What an admin password must be: at least <see cref="MinLength"/> characters and not one of the most common
/// passwords (Admin/Passwords/common-passwords.txt; its source and licence are beside it), whatever its length:
/// "password1234" is long enough and among the first an attacker tries. Every place that sets a password asks here.
/// </summary>
public static class AdminPassword
{
    public const int MinLength = 12;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    /// <summary>Whether the password is on the list of common ones, without regard to case.</summary>
    public static bool IsCommon(string password) => Common.Value.Contains(password.ToLowerInvariant());

    /// <summary>How many passwords the shipped list holds.</summary>
    public static int CommonCount => Common.Value.Count;

    /// <summary>Why the password cannot be used, in the current language; null when it can.</summary>
    public static string? Refusal(string password, IStringLocalizer<Text> text)
    {
        if (password.Length < MinLength)
        {
            return text["Lösenordet måste ha minst {0} tecken.", MinLength];
        }
        if (IsCommon(password))
        {
            return text["Lösenordet är ett av de vanligaste lösenorden, som en angripare provar först. Välj ett annat, till exempel några ord som inte hör ihop."];
        }
        return null;
    }

    /// <summary>The refusal in Swedish and then in English, for the command line, which has no visitor to ask.</summary>
    public static string? RefusalInBothLanguages(string password, IStringLocalizer<Text> text)
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = SiteLocalization.Swedish;
            if (Refusal(password, text) is not { } swedish)
            {
                return null;
            }
            CultureInfo.CurrentUICulture = SiteLocalization.English;
            return swedish + Environment.NewLine + Refusal(password, text);
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    // Read on first use only: a site that never sets a password never holds the list in memory.
    private static HashSet<string> LoadCommon()
    {
        using var stream = typeof(AdminPassword).Assembly.GetManifestResourceStream("HejSurvey.Web.Admin.common-passwords.txt")
            ?? throw new InvalidOperationException("The list of common passwords is missing from the build.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(line.ToLowerInvariant());
            }
        }
        return passwords;
    }
}

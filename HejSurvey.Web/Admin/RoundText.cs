using HejSurvey.Web.Data;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Admin;

/// <summary>The words the admin pages use for a round's state and flags.</summary>
public static class RoundText
{
    public static string State(this IStringLocalizer<Text> text, RoundState state) => state switch
    {
        RoundState.Draft => text["Utkast"],
        RoundState.Open => text["Öppen"],
        _ => text["Stängd"],
    };

    public static string YesNo(this IStringLocalizer<Text> text, bool value) => value ? text["Ja"] : text["Nej"];
}

/// <summary>Responses stored on one day (Swedish date).</summary>
public sealed record DayCount(DateOnly Day, int Responses);

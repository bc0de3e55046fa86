using System.Globalization;

namespace HejSurvey.Web.Site;

/// <summary>Swedish time for people: dates of responses, times admins read and type. The database keeps UTC.</summary>
public static class SwedishTime
{
    public static readonly TimeZoneInfo Zone = Find();

    /// <summary>The UTC instant of a Swedish wall-clock time; null for a time that does not exist (the spring-forward hour).</summary>
    public static DateTime? ToUtc(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return Zone.IsInvalidTime(unspecified) ? null : TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone);
    }

    public static DateTime FromUtc(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>"2026-12-31 17:00", or "–" for no time.</summary>
    public static string Format(DateTime? utc) =>
        utc is { } value ? FromUtc(value).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "–";

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}

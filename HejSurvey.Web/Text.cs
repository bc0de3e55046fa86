namespace HejSurvey.Web;

/// <summary>
/// Marker for the site's UI strings. The key is the Swedish text (Swedish is the default culture);
/// Resources/Text.en.resx holds the English for every key.
/// </summary>
public sealed class Text;

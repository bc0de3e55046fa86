using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.OpenResults;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;

// The slim builder leaves out what this site does not use (IIS, HTTP/3, the Debug and EventSource log providers), which
// keeps the server about 3 MB smaller; HTTPS endpoints in Kestrel's configuration are added back.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseKestrelHttpsConfiguration();

builder.AddSurveyData();
builder.AddSiteLocalization();
builder.AddSiteContact();
builder.AddPublicOrigin();
builder.AddRequestLimits();
builder.AddResults();
builder.AddSiteChanges();
builder.AddResultsCompression();
builder.AddAdmin();
builder.AddSurveyHealth();
builder.AddRateLimits();
builder.AddTrustedProxies();
builder.AddSecurityHeaders();
builder.Services.AddRazorPages();

var app = builder.Build();

await app.Services.MigrateSurveyDatabaseAsync();
// The collector sizes its young generation from the processor's cache (300 MB on the benchmark's host), so without this
// the garbage of the database check above is still held while the host starts: the start peaked 5 MB higher.
GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
if (args is ["seed", ..])
{
    return await SyntheticResponses.RunSeedCommandAsync(app.Services, args, Console.Out);
}
if (args is ["admin", ..])
{
    return await AdminCommand.RunAsync(app.Services, args, Console.In, Console.Out);
}
if (args is ["copy-database", ..])
{
    return await DatabaseCopy.RunCommandAsync(app.Services, args, Console.Out);
}

app.UseTrustedProxies();
app.UseSecurityHeaders();
app.UseRequestLocalization(); // before the error pages, so that they answer in the visitor's language
app.UseExceptionHandler("/error/500");
app.UseStatusCodePagesWithReExecute("/error/{0}");
app.UseRequestLimits();
app.UseResultsCompression();
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseOutputCache();

app.MapLanguageSwitch();
app.MapRazorPages();
app.MapResultsData();
app.MapCatalogue();
app.MapAdmin();
app.MapQuestionnaireSchema();
app.MapSurveyHealth();

// Starting up (the database check, the first queries, the hosted services) leaves garbage that the collector would
// otherwise keep until the site is busy. One full collection once the site is up gives that memory back.
app.Lifetime.ApplicationStarted.Register(() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));

await app.RunAsync();
return 0;

/// <summary>Entry point; public so that tests can host the site.</summary>
public partial class Program;

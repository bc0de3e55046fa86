using HejSurvey.Web.Admin;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;

var builder = WebApplication.CreateBuilder(args);

builder.AddSurveyData();
builder.AddSiteLocalization();
builder.AddRequestLimits();
builder.AddAdmin();
builder.AddSurveyHealth();
builder.Services.AddRazorPages();

var app = builder.Build();

await app.Services.MigrateSurveyDatabaseAsync();
if (args is ["admin", ..])
{
    return await AdminCommand.RunAsync(app.Services, args, Console.In, Console.Out);
}

app.UseSecurityHeaders();
app.UseExceptionHandler("/error/500");
app.UseStatusCodePagesWithReExecute("/error/{0}");
app.UseRequestLimits();
app.UseRequestLocalization();
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapLanguageSwitch();
app.MapRazorPages();
app.MapAdmin();
app.MapSurveyHealth();

await app.RunAsync();
return 0;

/// <summary>Entry point; public so that tests can host the site.</summary>
public partial class Program;

using HejSurvey.Web.Data;
using HejSurvey.Web.Site;

var builder = WebApplication.CreateBuilder(args);

builder.AddSurveyData();
builder.AddSiteLocalization();
builder.AddRequestLimits();
builder.AddRateLimits();
builder.AddSecurityHeaders();
builder.Services.AddRazorPages();

var app = builder.Build();

await app.Services.MigrateSurveyDatabaseAsync();

app.UseSecurityHeaders();
app.UseExceptionHandler("/error/500");
app.UseStatusCodePagesWithReExecute("/error/{0}");
app.UseRequestLimits();
app.UseRequestLocalization();
app.UseStaticFiles();
app.UseRouting();
app.UseRateLimiter();

app.MapLanguageSwitch();
app.MapRazorPages();

await app.RunAsync();

/// <summary>Entry point; public so that tests can host the site.</summary>
public partial class Program;

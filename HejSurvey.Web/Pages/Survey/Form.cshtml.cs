using System.Threading.Channels;
using HejSurvey.Web.Data;
using HejSurvey.Web.Site;
using HejSurvey.Web.Survey;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace HejSurvey.Web.Pages.Survey;

/// <summary>
/// The questionnaire of an open round. A complete POST is queued to the response writer and redirected to
/// the thank-you page only after it has been committed; anything else comes back with the answers kept.
/// </summary>
[EnableRateLimiting(RateLimits.Submit)]
public sealed class FormModel(SurveyDb db, RoundCache rounds, QuestionnaireCatalog catalog, ResponseWriter writer, TimeProvider clock, IStringLocalizer<Text> text) : PageModel
{
    public enum View
    {
        Form,
        AlreadyAnswered,
        Closed,
        Unavailable,
    }

    public View Showing { get; private set; } = View.Form;
    public Round Round { get; private set; } = null!;
    public QuestionnaireDefinition Questionnaire { get; private set; } = null!;
    public SurveyForm Input { get; private set; } = new();

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, cancellationToken) is { } stop)
        {
            return stop;
        }
        if (RespondentToken.Read(HttpContext) is { } token)
        {
            var hash = RespondentToken.Hash(Round.Slug, token);
            if (await AnsweredAsync(hash, cancellationToken))
            {
                Showing = View.AlreadyAnswered;
                return Page();
            }
        }
        else
        {
            RespondentToken.Ensure(HttpContext);
        }
        Input.IdempotencyKey = Guid.NewGuid();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, cancellationToken) is { } stop)
        {
            return stop;
        }
        // Antiforgery accepts its token from a header too, so a body that is no form can get this far; reading it as
        // one would throw. (Malformed forms are answered 400 by the request limits.)
        if (!Request.HasFormContentType)
        {
            return StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        if (SurveyForm.Read(await Request.ReadFormAsync(cancellationToken), Questionnaire, text) is not { } input)
        {
            return BadRequest();
        }
        Input = input;
        if (!input.IsComplete)
        {
            return Page();
        }

        var respondent = RespondentToken.Hash(Round.Slug, RespondentToken.Ensure(HttpContext));
        SubmitOutcome outcome;
        try
        {
            outcome = await writer.SubmitAsync(
                new SubmittedResponse(Round.Id, Questionnaire, respondent, input.IdempotencyKey, input.Answers, input.FreeText),
                cancellationToken);
        }
        catch (Exception ex) when (ex is ResponseNotStoredException or ChannelClosedException)
        {
            return Show(View.Unavailable, StatusCodes.Status503ServiceUnavailable);
        }
        return outcome switch
        {
            SubmitOutcome.Stored or SubmitOutcome.AlreadyStored => RedirectToPage("/Survey/Thanks", new { slug = Round.Slug }),
            SubmitOutcome.AlreadyAnswered => Show(View.AlreadyAnswered, StatusCodes.Status409Conflict),
            _ => Show(View.Closed, StatusCodes.Status410Gone),
        };
    }

    /// <summary>
    /// Whether this browser has answered the round. While the database cannot be read (a PostgreSQL restart) the form is
    /// shown: the response writer refuses a second answer from the browser in any case, under the unique index.
    /// </summary>
    private async Task<bool> AnsweredAsync(string hash, CancellationToken cancellationToken)
    {
        try
        {
            return await db.Responses.AnyAsync(r => r.RoundId == Round.Id && r.RespondentHash == hash, cancellationToken);
        }
        catch (Exception ex) when (SurveyData.IsUnavailable(ex))
        {
            return false;
        }
    }

    /// <summary>Finds the round; returns what to answer instead of the form when there is no open round to answer.</summary>
    private async Task<IActionResult?> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        var round = await rounds.FindAsync(db, slug);
        // A draft is not public yet: it answers as an unknown slug, so that guessing one shows no title.
        if (round is null || round.State == RoundState.Draft)
        {
            return NotFound();
        }
        Round = round;
        Questionnaire = await catalog.GetAsync(round.QuestionnaireId, cancellationToken);
        if (!round.AcceptsAnswers(clock.GetUtcNow().UtcDateTime))
        {
            return Show(View.Closed, StatusCodes.Status410Gone);
        }
        return null;
    }

    private PageResult Show(View view, int status)
    {
        Showing = view;
        Response.StatusCode = status;
        return Page();
    }
}

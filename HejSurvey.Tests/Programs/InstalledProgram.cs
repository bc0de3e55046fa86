using System.Diagnostics;

namespace HejSurvey.Tests.Programs;

/// <summary>
/// The programs that analysts and journalists open the downloads with (PSPP, R, LibreOffice, an RDF parser, Node for
/// Frictionless' library), installed from Debian and npm by .ci/run. A missing program fails the test with the command
/// that installs it: these tests never skip, so a green run means every file was really opened.
/// The tests carry the trait Category=Programs, so a fast inner loop can leave them out:
/// <c>dotnet test --filter "Category!=Programs"</c>.
/// </summary>
public static class InstalledProgram
{
    public const string Trait = "Programs";

    public sealed record Outcome(int ExitCode, string Output, string Errors);

    public static async Task<Outcome> RunAsync(string program, string workingDirectory, params string[] arguments)
    {
        var path = Find(program);
        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // A home of its own, so that LibreOffice's profile and R's history never touch the user's.
        start.Environment["HOME"] = workingDirectory;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }
        return new Outcome(process.ExitCode, await output, await errors);
    }

    /// <summary>Runs the program and fails the test, with everything it said, unless it ends with exit code 0.</summary>
    public static async Task<string> RunOkAsync(string program, string workingDirectory, params string[] arguments)
    {
        var outcome = await RunAsync(program, workingDirectory, arguments);
        Assert.True(outcome.ExitCode == 0, $"{program} {string.Join(' ', arguments)} ended with {outcome.ExitCode}:\n{outcome.Output}\n{outcome.Errors}");
        return outcome.Output;
    }

    /// <summary>A fresh folder for one test's files.</summary>
    public static string Folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"hejsurvey-programs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string Find(string program)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"{program} is not installed. .ci/run installs it (Debian: apt-get install -y {Package(program)}).");
        return found!;
    }

    private static string Package(string program) => program switch
    {
        "pspp" => "pspp",
        "Rscript" => "r-base-core",
        "soffice" => "libreoffice-calc-nogui",
        "rapper" => "raptor2-utils",
        "node" or "npm" => "nodejs npm",
        _ => program,
    };
}

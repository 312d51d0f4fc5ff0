using System.Diagnostics;

namespace ServingBench.Tests.Export;

/// <summary>
/// The Debian tools the export tests check generated files with: python3 with numpy and PIL, protoc, docker-compose
/// (.ci/run installs them). A missing tool fails the test with the package to install, never a skip.
/// </summary>
internal static class ExternalTool
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Debian's interpreter, which has python3-numpy; another python3 on PATH (pyenv) may not.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string RepositoryPath(params string[] parts) =>
        Path.Combine([RepositoryRoot.Find() ?? throw new InvalidOperationException("the tests run from a clone (Benchmarks.sln above them)"), .. parts]);

    /// <summary>Runs a tool to its end (at most two minutes) with <paramref name="input"/> on stdin.</summary>
    public static (int Exit, string Output, string Error) Run(string fileName, IEnumerable<string> arguments, string? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{fileName}' cannot be run ({ex.Message}); .ci/run installs the Debian packages the export tests need (python3-numpy python3-pil python3-yaml protobuf-compiler libprotobuf-dev docker-compose)", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input ?? "");
            process.StandardInput.Close();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} ran past {Limit.TotalSeconds:F0} s");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>
    /// <paramref name="text"/> through the official schema and back: <c>protoc --encode</c> (which refuses any field,
    /// enum value or syntax <paramref name="message"/> does not have) piped into <c>protoc --decode</c>. Returns
    /// protoc's own text of the message, which the tests read their assertions from.
    /// </summary>
    public static string ProtocRoundTrip(string message, string protoPath, string protoFile, string text, string what)
    {
        string protoc = $"protoc --proto_path='{protoPath}' '{protoFile}'";
        var (exit, output, error) = Run("bash", ["-o", "pipefail", "-c", $"{protoc} --encode={message} | {protoc} --decode={message}"], text);
        Assert.True(exit == 0, $"protoc refused {what} as {message}:\n{error}\n--- {what} ---\n{text}");
        return output;
    }

    /// <summary>Runs a Python file with Debian's interpreter; fails the test with its output unless it exits 0.</summary>
    public static string RunPython(string script, params string[] arguments)
    {
        var (exit, output, error) = Run(Python, [script, .. arguments], environment: new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" });
        Assert.True(exit == 0, $"{Path.GetFileName(script)} failed (exit {exit}):\n{error}\n{output}");
        return output;
    }
}

using ServingBench.Export;
using ServingBench.Models.Architectures;
using ServingBench.Models.Engines;
using ServingBench.Tests.Models;

namespace ServingBench.Tests.Export;

/// <summary>
/// One <c>models export</c> of the tiny models into a temporary folder, shared by a test class: dynamic batching on
/// and two workers, so every optional field the export can write is written and checked.
/// </summary>
public sealed class TinyExport : IDisposable
{
    public TinyExport()
    {
        Folder = Directory.CreateTempSubdirectory("servingbench-export-").FullName;
        Options = new ExportOptions
        {
            OutputDirectory = Folder,
            Batching = new BatchingOptions(MaxBatchSize: 4, Dynamic: true, MaxDelayMilliseconds: 7),
            Workers = 2,
            QueueSize = 50,
            BartNewTokens = InProcessRunner.NewTokens,
        };
        Models = [.. Enum.GetValues<ModelKind>().Select(kind => new ExportedModel(TinyModels.Get(kind)))];
        using var output = new StringWriter();
        ServerExport.Write(Models, Options, output);
        Output = output.ToString();
    }

    public string Folder { get; }

    public ExportOptions Options { get; }

    public IReadOnlyList<ExportedModel> Models { get; }

    /// <summary>What the export printed.</summary>
    public string Output { get; }

    public string PathOf(params string[] parts) => Path.Combine([Folder, .. parts]);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

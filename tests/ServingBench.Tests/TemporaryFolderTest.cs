namespace ServingBench.Tests;

/// <summary>A test class whose every test works in a fresh temporary folder, deleted when that test is done.</summary>
/// <remarks>xUnit makes one instance per test and disposes it afterwards, so tests never see each other's files.</remarks>
public abstract class TemporaryFolderTest : IDisposable
{
    protected TemporaryFolderTest(string prefix)
    {
        Folder = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    protected string Folder { get; }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}

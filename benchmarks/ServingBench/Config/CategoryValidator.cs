using BenchmarkDotNet.Validators;
using ServingBench.Benchmarks;

namespace ServingBench.Config;

/// <summary>Every benchmark belongs to one of the suite's categories, so category filters and reports never miss one.</summary>
public sealed class CategoryValidator : IValidator
{
    private static readonly HashSet<string> Known = [Categories.Serialization, Categories.RoundTrip, Categories.InProcess];

    public static CategoryValidator Instance { get; } = new();

    public bool TreatsWarningsAsErrors => true;

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) =>
        from benchmark in validationParameters.Benchmarks
        where !benchmark.Descriptor.Categories.Any(Known.Contains)
        select new ValidationError(
            isCritical: true,
            $"{benchmark.Descriptor.DisplayInfo} has no category; add [BenchmarkCategory(Categories.X)]",
            benchmark);
}

using System.CommandLine.Parsing;

namespace ServingBench.Verbs;

/// <summary>Validators the verbs share, so a bad number reads the same whichever verb it was given to.</summary>
internal static class OptionRules
{
    /// <summary>"--workers 0 must be at least 1"; an optional option left out passes.</summary>
    public static void AtLeast<T>(OptionResult result, T minimum)
        where T : struct, IComparable<T>
    {
        if (result.GetValueOrDefault<T?>() is T value && value.CompareTo(minimum) < 0)
        {
            result.AddError($"{result.Option.Name} {value} must be at least {minimum}");
        }
    }
}

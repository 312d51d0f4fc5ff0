using System.CommandLine;
using System.CommandLine.Parsing;

namespace ServingBench.Verbs;

/// <summary>
/// Options and validators the verbs share, so an option reads and validates the same whichever verb it was given to.
/// </summary>
internal static class OptionRules
{
    /// <summary>What <see cref="Framework"/> accepts: <c>all</c> or one server's name.</summary>
    private static readonly string[] FrameworkChoices = ["all", "tfserving", "torchserve", "triton"];

    /// <summary><c>--framework/-f</c>: all three servers (the default) or one of them; <c>serve</c> and <c>models export</c> take it.</summary>
    public static Option<string> Framework(string description)
    {
        var framework = new Option<string>("--framework", "-f")
        {
            Description = description,
            DefaultValueFactory = _ => "all",
        };
        framework.AcceptOnlyFromAmong(FrameworkChoices);
        return framework;
    }

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

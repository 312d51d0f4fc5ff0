namespace ServingBench.Load;

/// <summary>How arrivals are spaced in an open loop.</summary>
public enum ArrivalProcess
{
    /// <summary>Exponential gaps (a Poisson process): what independent users produce, as in the studies.</summary>
    Poisson,

    /// <summary>Equal gaps of 1/λ (wrk2's schedule).</summary>
    Constant,
}

/// <summary>
/// One step of a sweep: either a closed loop of <see cref="Users"/> virtual users (each sends its next request when
/// the previous one completes, after <see cref="LoadTiming.ThinkTime"/>) or an open loop at <see cref="Rate"/>
/// arrivals a second, scheduled independently of the responses.
/// </summary>
public sealed record LoadStep
{
    private LoadStep(int? users, double? rate, ArrivalProcess? arrival)
    {
        Users = users;
        Rate = rate;
        Arrival = arrival;
    }

    public int? Users { get; }

    public double? Rate { get; }

    public ArrivalProcess? Arrival { get; }

    public bool IsOpen => Rate is not null;

    public static LoadStep Closed(int users)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        return new LoadStep(users, null, null);
    }

    public static LoadStep Open(double rate, ArrivalProcess arrival)
    {
        if (!(rate > 0) || double.IsInfinity(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "an arrival rate must be a positive number");
        }

        return new LoadStep(null, rate, arrival);
    }

    /// <summary>"10 users" or "50/s poisson".</summary>
    public override string ToString() => IsOpen
        ? FormattableString.Invariant($"{Rate:0.###}/s {Arrival.ToString()!.ToLowerInvariant()}")
        : FormattableString.Invariant($"{Users} users");
}

/// <summary>How long a step runs and how it is cut into windows.</summary>
public sealed record LoadTiming
{
    /// <summary>Minimum measured time per step (the studies: 60 s).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Unmeasured run-in before each step (connections opened, JIT settled, queues filled).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>One measurement window; the stability rule compares the last three.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Windows added at most after <see cref="Duration"/> while the last three disagree (perf_analyzer's bounded trials).</summary>
    public int ExtraWindows { get; init; } = 3;

    /// <summary>A request not answered within this is cancelled and counted as a timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Closed loop: pause between a response and the same user's next request.</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.Zero;

    /// <summary>Open loop: a send that leaves more than this after its scheduled time counts as late.</summary>
    public TimeSpan LateSendThreshold { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Open loop: requests outstanding at once at most; beyond it sends wait (and count as late), so memory stays bounded.</summary>
    public int MaxInFlight { get; init; } = 10_000;

    /// <summary>Seed of the arrival schedule (same seed, same arrivals).</summary>
    public int Seed { get; init; } = 12345;

    /// <summary>Whole windows in <see cref="Duration"/>; a duration shorter than one window is refused by <see cref="Validate"/>.</summary>
    public int MinimumWindows => (int)(Duration.Ticks / Window.Ticks);

    /// <summary>Null when usable, else the problem in one line (naming the setting as the verb calls it).</summary>
    public string? Validate()
    {
        if (Window <= TimeSpan.Zero)
        {
            return "--window must be positive";
        }

        if (Duration < Window)
        {
            return FormattableString.Invariant($"--duration {Duration.TotalSeconds:0.###}s is shorter than one measurement window ({Window.TotalSeconds:0.###}s)");
        }

        if (Warmup < TimeSpan.Zero || ThinkTime < TimeSpan.Zero)
        {
            return "--warmup and --think-time cannot be negative";
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            return "--timeout must be positive";
        }

        return ExtraWindows < 0 ? "--extra-windows cannot be negative" : null;
    }
}

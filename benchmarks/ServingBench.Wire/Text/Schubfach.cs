using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ServingBench.Wire.Text;

/// <summary>
/// Shortest decimal for normal floats and doubles: Giulietti's Schubfach ("The Schubfach way to render doubles",
/// 2020; the algorithm behind Java's Double.toString). Among the decimals inside the rounding interval of v it
/// picks the shortest, and of those the closest (ties to even digit). The Java code asks for at least two digits;
/// for normal values s ≥ 100 always holds, so the one-digit candidate is always tried and the result is the true
/// shortest. Subnormals are left to the caller.
/// </summary>
internal static class Schubfach
{
    private const int DoubleExponentMin = -324; // K_MIN: smallest k any double needs
    private const int DoubleExponentMax = 292;  // K_MAX

    /// <summary>g(k) = floor(10^−k · 2^(125 − flog2pow10(−k))) + 1, split into 63-bit halves g1, g0, for k = K_MIN…K_MAX.</summary>
    private static readonly ulong[] GTable = BuildTable();

    /// <summary>
    /// For each biased float exponent (1–254), what <see cref="SingleUntrimmed"/> needs of it away from a power of
    /// two: one read instead of two log estimates and an index into <see cref="GTable"/> (a quarter of its time).
    /// </summary>
    private static readonly SingleScale[] SingleScales = BuildSingleScales();

    /// <summary>Shortest digits of a positive normal double.</summary>
    public static DecimalDigits Double(ulong bits)
    {
        const ulong ImplicitBit = 1UL << 52;
        int biasedExponent = (int)(bits >> 52);
        ulong c = ImplicitBit | (bits & (ImplicitBit - 1));
        int minusQ = 1075 - biasedExponent;

        // Integers below 2^53: their own digits are the shortest (the rounding interval is narrower than 1).
        if (minusQ is > 0 and < 53)
        {
            ulong integer = c >> minusQ;
            if (integer << minusQ == c)
            {
                return DecimalDigits.Trimmed(integer, 0);
            }
        }

        int q = -minusQ;
        ulong outside = c & 1; // even significands own their interval boundaries
        ulong cb = c << 2;
        ulong cbr = cb + 2;
        ulong cbl;
        int k;
        if (c != ImplicitBit || biasedExponent == 1)
        {
            cbl = cb - 2;
            k = FloorLog10Pow2(q);
        }
        else
        {
            // Lower neighbour is half as far away at a power of two.
            cbl = cb - 1;
            k = FloorLog10ThreeQuartersPow2(q);
        }

        int h = q + FloorLog2Pow10(-k) + 2;
        int index = (k - DoubleExponentMin) * 2;
        ulong g1 = GTable[index];
        ulong g0 = GTable[index + 1];
        ulong vb = RoundOdd(g1, g0, cb << h);
        ulong vbl = RoundOdd(g1, g0, cbl << h);
        ulong vbr = RoundOdd(g1, g0, cbr << h);

        ulong s = vb >> 2;
        if (s >= 100)
        {
            // One digit fewer: s' = floor(s / 10) by multiplication (Schubfach §10).
            ulong sp10 = 10 * Math.BigMul(s, 115_292_150_460_684_698UL << 4, out _);
            ulong tp10 = sp10 + 10;
            bool upin = vbl + outside <= sp10 << 2;
            bool wpin = (tp10 << 2) + outside <= vbr;
            if (upin != wpin)
            {
                return DecimalDigits.Trimmed(upin ? sp10 : tp10, k);
            }
        }

        ulong t = s + 1;
        bool uin = vbl + outside <= s << 2;
        bool win = (t << 2) + outside <= vbr;
        if (uin != win)
        {
            return DecimalDigits.Trimmed(uin ? s : t, k);
        }

        long cmp = (long)vb - (long)((s + t) << 1);
        return DecimalDigits.Trimmed(cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k);
    }

    /// <summary>Shortest digits of a positive normal float.</summary>
    public static DecimalDigits Single(uint bits)
    {
        uint significand = SingleUntrimmed(bits, out int exponent);
        return DecimalDigits.Trimmed(significand, exponent);
    }

    /// <summary>
    /// Shortest digits of a positive normal float as <c>significand × 10^exponent</c>, possibly with trailing
    /// zeros (at most 9 digits): the fused text writer trims them from the digit text instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SingleUntrimmed(uint bits, out int exponent)
    {
        const uint ImplicitBit = 1U << 23;
        int biasedExponent = (int)(bits >> 23);
        uint c = ImplicitBit | (bits & (ImplicitBit - 1));
        if (c == ImplicitBit && biasedExponent != 1)
        {
            return PowerOfTwoUntrimmed(biasedExponent, out exponent);
        }

        // Integers need no shortcut here: their exact digits are in the interval, and the shorter candidate
        // drops a trailing zero, so the (untrimmed) result is the integer itself.
        uint outside = c & 1;
        ulong cb = (ulong)c << 2;
        ref readonly SingleScale scale = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(SingleScales), biasedExponent);
        uint vb = RoundOdd(scale.G, cb << scale.H);
        uint vbl = RoundOdd(scale.G, (cb - 2) << scale.H);
        uint vbr = RoundOdd(scale.G, (cb + 2) << scale.H);
        return PickSingle(vb, vbl, vbr, outside, scale.K, out exponent);
    }

    /// <summary>
    /// <see cref="SingleUntrimmed"/> for four floats at once, one per 64-bit lane of AVX2, with the same arithmetic
    /// and so the same digits. The three products of a float's Schubfach step are 64 × 26-bit multiplications, each
    /// two of AVX2's 32 × 32-bit lane products; run on four values together, what took a scalar value three
    /// 64-bit multiplications and a chain of compares costs about a quarter of that per value. The caller checks
    /// <see cref="TakesFourSingles"/> first: every magnitude a normal float and not a power of two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<ulong> Significands, Vector256<ulong> Exponents) FourSinglesUntrimmed(Vector256<ulong> magnitudes)
    {
        const ulong ImplicitBit = 1UL << 23;
        var biased = magnitudes >>> 23;
        var c = (magnitudes & Vector256.Create(ImplicitBit - 1)) | Vector256.Create(ImplicitBit);
        var outside = c & Vector256<ulong>.One;
        var cb = c << 2;

        ref SingleScale scales = ref MemoryMarshal.GetArrayDataReference(SingleScales);
        ref readonly SingleScale s0 = ref Unsafe.Add(ref scales, (int)biased.GetElement(0));
        ref readonly SingleScale s1 = ref Unsafe.Add(ref scales, (int)biased.GetElement(1));
        ref readonly SingleScale s2 = ref Unsafe.Add(ref scales, (int)biased.GetElement(2));
        ref readonly SingleScale s3 = ref Unsafe.Add(ref scales, (int)biased.GetElement(3));
        var g = Vector256.Create(s0.G, s1.G, s2.G, s3.G);
        var h = Vector256.Create((ulong)s0.H, (ulong)s1.H, (ulong)s2.H, (ulong)s3.H);
        var k = Vector256.Create((ulong)(long)s0.K, (ulong)(long)s1.K, (ulong)(long)s2.K, (ulong)(long)s3.K);

        // g · (cb << h) / 2^64 = (g · cb) >> (64 − h), and 32 ≤ h ≤ 64 for every float binade (BuildSingleScales
        // checks it): with g = gHigh · 2^32 + gLow, that is (gHigh · cb) << (h − 32) plus (gLow · cb) >> (64 − h).
        var gHigh = (g >>> 32).AsUInt32();
        var gLow = g.AsUInt32();
        var up = h - Vector256.Create(32UL);
        var down = Vector256.Create(64UL) - h;
        var vb = FourRoundOdd(gHigh, gLow, cb, up, down);
        var vbl = FourRoundOdd(gHigh, gLow, cb - Vector256.Create(2UL), up, down);
        var vbr = FourRoundOdd(gHigh, gLow, cb + Vector256.Create(2UL), up, down);

        // PickSingle's arithmetic, lane by lane: compare masks (all ones for true) in place of its 0/1 flags. Every
        // value is below 2^36, so signed 64-bit compares order them as unsigned ones would.
        var s = vb >>> 2;
        var shorter = Avx2.Multiply(s.AsUInt32(), Vector256.Create(1_717_986_919U)) >>> 34;
        var sp10 = (shorter << 3) + (shorter << 1);
        var tp10 = sp10 + Vector256.Create(10UL);
        var low = (vbl + outside).AsInt64();
        var upin = ~Vector256.GreaterThan(low, (sp10 << 2).AsInt64());
        var wpin = ~Vector256.GreaterThan((tp10 << 2).AsInt64() + outside.AsInt64(), vbr.AsInt64());
        var shortResult = shorter + (~upin.AsUInt64() & Vector256<ulong>.One);

        var t = s + Vector256<ulong>.One;
        var uin = ~Vector256.GreaterThan(low, (s << 2).AsInt64());
        var win = ~Vector256.GreaterThan((t << 2).AsInt64() + outside.AsInt64(), vbr.AsInt64());
        var cmp = vb.AsInt64() - ((s + t) << 1).AsInt64();
        var closerToS = Vector256.LessThan(cmp, Vector256<long>.Zero)
            | (Vector256.Equals(cmp, Vector256<long>.Zero) & ~Vector256.Equals(s & Vector256<ulong>.One, Vector256<ulong>.One).AsInt64());
        var oneInside = uin ^ win;
        var roundUp = (oneInside & win) | (~oneInside & ~closerToS);
        var longResult = s + (roundUp.AsUInt64() & Vector256<ulong>.One);

        var useShort = (upin ^ wpin).AsUInt64();
        return (Vector256.ConditionalSelect(useShort, shortResult, longResult), k + (useShort & Vector256<ulong>.One));
    }

    /// <summary>Whether <see cref="FourSinglesUntrimmed"/> takes these magnitudes: all normal, none a power of two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TakesFourSingles(Vector256<ulong> magnitudes) =>
        Vector256.LessThanAll(magnitudes - Vector256.Create(0x0080_0000UL), Vector256.Create(0x7F80_0000UL - 0x0080_0000UL))
        && (Vector256.Equals(magnitudes & Vector256.Create(0x007F_FFFFUL), Vector256<ulong>.Zero) & Vector256.GreaterThan(magnitudes, Vector256.Create(0x00FF_FFFFUL))) == Vector256<ulong>.Zero;

    // RoundOdd(g, cb << h) in four lanes: the high half of the product, then its top bits with the rest as a sticky bit.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> FourRoundOdd(Vector256<uint> gHigh, Vector256<uint> gLow, Vector256<ulong> cb, Vector256<ulong> up, Vector256<ulong> down)
    {
        var x1 = Avx2.ShiftLeftLogicalVariable(Avx2.Multiply(gHigh, cb.AsUInt32()), up)
            + Avx2.ShiftRightLogicalVariable(Avx2.Multiply(gLow, cb.AsUInt32()), down);
        return (x1 >>> 31) | (((x1 & Vector256.Create((ulong)uint.MaxValue)) + Vector256.Create((ulong)uint.MaxValue)) >>> 32);
    }

    // A power of two: the lower neighbour is half as far away, so the interval and k differ (once per binade).
    private static uint PowerOfTwoUntrimmed(int biasedExponent, out int exponent)
    {
        int q = biasedExponent - 150;
        ulong cb = 1UL << 25;
        int k = FloorLog10ThreeQuartersPow2(q);
        int h = q + FloorLog2Pow10(-k) + 33;
        ulong g = GTable[(k - DoubleExponentMin) * 2] + 1;
        return PickSingle(RoundOdd(g, cb << h), RoundOdd(g, (cb - 1) << h), RoundOdd(g, (cb + 2) << h), 0, k, out exponent);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint PickSingle(uint vb, uint vbl, uint vbr, uint outside, int k, out int exponent)
    {
        uint s = vb >> 2;

        // Both candidate lengths are computed and picked with arithmetic on 0/1 flags, not branches: for random
        // data which one wins is a coin toss, and each mispredicted branch costs more than the whole computation.
        uint shorter = (uint)((s * 1_717_986_919UL) >> 34); // s / 10 (s ≥ 100 for every normal float)
        uint sp10 = shorter * 10;
        uint tp10 = sp10 + 10;
        uint upin = Flag(vbl + outside <= sp10 << 2);
        uint wpin = Flag((tp10 << 2) + outside <= vbr);
        uint shortResult = shorter + (upin ^ 1);

        uint t = s + 1;
        uint uin = Flag(vbl + outside <= s << 2);
        uint win = Flag((t << 2) + outside <= vbr);
        int cmp = (int)vb - (int)((s + t) << 1);
        uint closerToS = ((uint)cmp >> 31) | (Flag(cmp == 0) & (~s & 1));
        uint oneInside = uin ^ win;

        // Exactly one of s, t inside: take it (t when w is in); both or neither: the closer, ties to even.
        uint longResult = s + ((oneInside & win) | ((oneInside ^ 1) & (closerToS ^ 1)));

        uint useShort = upin ^ wpin;
        exponent = k + (int)useShort;
        uint shortMask = 0u - useShort;
        return (shortResult & shortMask) | (longResult & ~shortMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Flag(bool condition) => condition ? 1u : 0u;

    // floor(cp · g / 2^127), with the lowest bit set when the product is inexact (round to odd).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RoundOdd(ulong g1, ulong g0, ulong cp)
    {
        ulong x1 = Math.BigMul(g0, cp, out _);
        ulong y1 = Math.BigMul(g1, cp, out ulong y0);
        ulong z = (y0 >> 1) + x1;
        ulong vbp = y1 + (z >> 63);
        return vbp | (((z & long.MaxValue) + long.MaxValue) >> 63);
    }

    // floor(cp · g / 2^95), round to odd.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint RoundOdd(ulong g, ulong cp)
    {
        ulong x1 = Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(g, cp) : Math.BigMul(g, cp, out _);
        ulong vbp = x1 >> 31;
        return (uint)(vbp | (((x1 & uint.MaxValue) + uint.MaxValue) >> 32));
    }

    // floor(e · log10 2), floor(log10(3/4 · 2^e)), floor(e · log2 10): exact for |e| ≤ 1100 (checked offline).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int FloorLog10Pow2(int e) => (int)((e * 661_971_961_083L) >> 41);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FloorLog10ThreeQuartersPow2(int e) => (int)(((e * 661_971_961_083L) - 274_743_187_321L) >> 41);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int FloorLog2Pow10(int e) => (int)((e * 913_124_641_741L) >> 38);

    private static SingleScale[] BuildSingleScales()
    {
        var scales = new SingleScale[255];
        for (int biasedExponent = 1; biasedExponent < scales.Length; biasedExponent++)
        {
            int q = biasedExponent - 150;
            int k = FloorLog10Pow2(q);
            int h = q + FloorLog2Pow10(-k) + 33;
            if (h is < 32 or > 64)
            {
                throw new InvalidOperationException($"binade {biasedExponent}: h = {h}, outside the 32–64 the four-lane step assumes");
            }

            scales[biasedExponent] = new SingleScale(GTable[(k - DoubleExponentMin) * 2] + 1, k, h);
        }

        return scales;
    }

    /// <summary>g (upper 63 bits, plus one), k and the shift h for one float binade.</summary>
    private readonly record struct SingleScale(ulong G, int K, int H);

    private static ulong[] BuildTable()
    {
        var table = new ulong[(DoubleExponentMax - DoubleExponentMin + 1) * 2];
        BigInteger mask63 = (BigInteger.One << 63) - 1;
        for (int k = DoubleExponentMin; k <= DoubleExponentMax; k++)
        {
            int shift = 125 - FloorLog2Pow10(-k);
            BigInteger beta = -k >= 0
                ? (shift >= 0 ? BigInteger.Pow(10, -k) << shift : BigInteger.Pow(10, -k) >> -shift)
                : (BigInteger.One << shift) / BigInteger.Pow(10, k);
            BigInteger g = beta + 1;
            table[(k - DoubleExponentMin) * 2] = (ulong)(g >> 63);
            table[((k - DoubleExponentMin) * 2) + 1] = (ulong)(g & mask63);
        }

        return table;
    }
}

using ServingBench.Payloads.Postprocessing;

namespace ServingBench.Models.Processing;

/// <summary>
/// Greedy, beam and fixed-length generation over an <see cref="ISeq2SeqBackend"/>, following Hugging Face's
/// semantics: start from decoder_start, force BOS at step 1 and EOS at max_length, suppress EOS below
/// min_length, ban repeated n-grams, and score finished beams by sum(logprob) / length^length_penalty.
/// </summary>
public static class BartGenerator
{
    /// <summary>Returns the generated sequence, starting with the decoder start token.</summary>
    public static long[] Generate(ISeq2SeqBackend backend, ReadOnlySpan<long> inputIds, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (inputIds.IsEmpty)
        {
            throw new ArgumentException("input_ids is empty", nameof(inputIds));
        }

        if (options.FixedNewTokens is int count)
        {
            return Fixed(backend, inputIds, options.DecoderStartTokenId, count);
        }

        return options.NumBeams == 1 ? Greedy(backend, inputIds, options) : Beam(backend, inputIds, options);
    }

    private static long[] Fixed(ISeq2SeqBackend backend, ReadOnlySpan<long> inputIds, int start, int count)
    {
        backend.Start(inputIds, 1);
        var sequence = new long[count + 1];
        sequence[0] = start;
        var logits = new float[backend.VocabSize];
        for (int i = 0; i < count; i++)
        {
            backend.Step(sequence.AsSpan(i, 1), logits);
            sequence[i + 1] = Logits.ArgMax(logits);
        }

        return sequence;
    }

    private static long[] Greedy(ISeq2SeqBackend backend, ReadOnlySpan<long> inputIds, GenerationOptions options)
    {
        backend.Start(inputIds, 1);
        var sequence = new List<long> { options.DecoderStartTokenId };
        var logits = new float[backend.VocabSize];
        while (sequence.Count < options.MaxLength)
        {
            backend.Step([sequence[^1]], logits);
            LogSoftmax(logits);
            Process(logits, sequence, options);
            long next = Logits.ArgMax(logits);
            sequence.Add(next);
            if (next == options.EosTokenId)
            {
                break;
            }
        }

        return [.. sequence];
    }

    private static long[] Beam(ISeq2SeqBackend backend, ReadOnlySpan<long> inputIds, GenerationOptions options)
    {
        int beams = options.NumBeams;
        int vocab = backend.VocabSize;
        backend.Start(inputIds, beams);
        var sequences = Enumerable.Range(0, beams).Select(_ => new List<long> { options.DecoderStartTokenId }).ToArray();
        var scores = new double[beams];
        Array.Fill(scores, -1e9);
        scores[0] = 0; // identical rows at first: only beam 0 may expand, or the top-k is n copies of one hypothesis
        var finished = new List<(double Score, long[] Tokens)>();
        var logits = new float[beams * vocab];
        var tokens = new long[beams];
        var sources = new int[beams];

        while (true)
        {
            for (int b = 0; b < beams; b++)
            {
                tokens[b] = sequences[b][^1];
            }

            backend.Step(tokens, logits);
            int length = sequences[0].Count;
            var candidates = new List<(double Score, int Beam, int Token)>(2 * beams * beams);
            for (int b = 0; b < beams; b++)
            {
                var row = logits.AsSpan(b * vocab, vocab);
                LogSoftmax(row);
                Process(row, sequences[b], options);
                foreach (int token in TopK(row, 2 * beams))
                {
                    candidates.Add((scores[b] + row[token], b, token));
                }
            }

            // Stable order: score, then beam, then token, so ties never depend on sort internals.
            candidates.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : x.Beam != y.Beam ? x.Beam.CompareTo(y.Beam) : x.Token.CompareTo(y.Token));
            var next = new List<(double Score, int Beam, int Token)>(beams);
            for (int rank = 0; rank < candidates.Count && next.Count < beams; rank++)
            {
                var candidate = candidates[rank];
                if (double.IsNegativeInfinity(candidate.Score))
                {
                    break;
                }

                if (candidate.Token == options.EosTokenId)
                {
                    if (rank < beams)
                    {
                        long[] hypothesis = [.. sequences[candidate.Beam], candidate.Token];
                        AddFinished(finished, beams, candidate.Score / Math.Pow(hypothesis.Length, options.LengthPenalty), hypothesis);
                    }

                    continue;
                }

                next.Add(candidate);
            }

            bool atMax = length + 1 >= options.MaxLength;
            bool done = finished.Count >= beams && (options.EarlyStopping || BestPossible(next, length + 1, options) <= finished.Min(f => f.Score));
            if (next.Count == 0 || done)
            {
                break;
            }

            var newSequences = new List<long>[beams];
            for (int b = 0; b < beams; b++)
            {
                var chosen = next[Math.Min(b, next.Count - 1)];
                sources[b] = chosen.Beam;
                newSequences[b] = [.. sequences[chosen.Beam], chosen.Token];
                scores[b] = chosen.Score;
            }

            sequences = newSequences;
            if (atMax)
            {
                for (int b = 0; b < next.Count; b++)
                {
                    AddFinished(finished, beams, scores[b] / Math.Pow(sequences[b].Count, options.LengthPenalty), [.. sequences[b]]);
                }

                break;
            }

            backend.ReorderCache(sources);
        }

        return finished.Count == 0 ? [.. sequences[0]] : finished.OrderByDescending(f => f.Score).First().Tokens;
    }

    private static double BestPossible(List<(double Score, int Beam, int Token)> next, int length, GenerationOptions options) =>
        next.Count == 0 ? double.NegativeInfinity : next[0].Score / Math.Pow(length, options.LengthPenalty);

    private static void AddFinished(List<(double Score, long[] Tokens)> finished, int capacity, double score, long[] tokens)
    {
        if (finished.Count < capacity)
        {
            finished.Add((score, tokens));
            return;
        }

        int worst = 0;
        for (int i = 1; i < finished.Count; i++)
        {
            if (finished[i].Score < finished[worst].Score)
            {
                worst = i;
            }
        }

        if (score > finished[worst].Score)
        {
            finished[worst] = (score, tokens);
        }
    }

    /// <summary>HF logits processors on log-probabilities for the token after <paramref name="sequence"/>.</summary>
    internal static void Process(Span<float> logProbs, IReadOnlyList<long> sequence, GenerationOptions options)
    {
        int length = sequence.Count;
        if (length < options.MinLength && options.EosTokenId < logProbs.Length)
        {
            logProbs[options.EosTokenId] = float.NegativeInfinity;
        }

        if (options.NoRepeatNgramSize > 0 && length + 1 >= options.NoRepeatNgramSize)
        {
            int n = options.NoRepeatNgramSize;
            // Ban any token that would complete an n-gram already present.
            for (int start = 0; start + n <= length; start++)
            {
                bool match = true;
                for (int j = 0; j < n - 1; j++)
                {
                    if (sequence[start + j] != sequence[length - n + 1 + j])
                    {
                        match = false;
                        break;
                    }
                }

                if (match)
                {
                    logProbs[(int)sequence[start + n - 1]] = float.NegativeInfinity;
                }
            }
        }

        if (length == 1 && options.ForcedBosTokenId is int bos)
        {
            ForceOnly(logProbs, bos);
        }
        else if (length == options.MaxLength - 1 && options.ForcedEosTokenId is int eos)
        {
            ForceOnly(logProbs, eos);
        }
    }

    private static void ForceOnly(Span<float> logProbs, int token)
    {
        logProbs.Fill(float.NegativeInfinity);
        logProbs[token] = 0;
    }

    internal static void LogSoftmax(Span<float> values)
    {
        var (max, sum) = Logits.MaxAndSumExp(values);
        float logSum = max + (float)Math.Log(sum);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] -= logSum;
        }
    }

    private static List<int> TopK(ReadOnlySpan<float> values, int k)
    {
        var top = new List<int>(k + 1);
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNegativeInfinity(values[i]))
            {
                continue;
            }

            int position = top.Count;
            while (position > 0 && values[top[position - 1]] < values[i])
            {
                position--;
            }

            if (position < k)
            {
                top.Insert(position, i);
                if (top.Count > k)
                {
                    top.RemoveAt(k);
                }
            }
        }

        return top;
    }
}

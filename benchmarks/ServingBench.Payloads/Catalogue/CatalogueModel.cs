namespace ServingBench.Payloads.Catalogue;

/// <summary>
/// One model the suite serves, and everything the serving side knows about it, in one place: the signature (tensor
/// names, datatypes, shapes) with the form of its stock answer, which clients and emulators publish and read; the file
/// its TorchServe stock handler takes, with that handler's checks, preprocessing and postprocessing; and the canned
/// answer. Every backend, handler and client draws from here; adding a model is one subclass listed in
/// <see cref="ModelCatalog.All"/> plus the engine side's builder (docs/writing-benchmarks.md, "Adding a model").
/// </summary>
/// <remarks>
/// Methods take the <c>served</c> signature: a backend may serve the model with its file's fixed dimensions (the onnx
/// backend), so names, shapes and messages follow what is served, and the facts below follow the model.
/// </remarks>
public abstract class CatalogueModel
{
    private protected CatalogueModel(ModelSignature signature, string fileDescription, string fileContentType)
    {
        ArgumentNullException.ThrowIfNull(signature);
        StockAnswer = signature.StockAnswer ?? throw new ArgumentException($"model '{signature.Name}' names no stock answer form", nameof(signature));
        Signature = signature;
        FileDescription = fileDescription;
        FileContentType = fileContentType;
    }

    public string Name => Signature.Name;

    /// <summary>What the emulators publish and TorchServe clients assume: Hugging Face (Optimum) export names, -1 for a variable dimension.</summary>
    public ModelSignature Signature { get; }

    /// <summary>What the stock handler answers for a file (<see cref="ModelSignature.StockAnswer"/>).</summary>
    public StockAnswerForm StockAnswer { get; }

    /// <summary>The file the stock handler takes, as its messages name it ("a JPEG image").</summary>
    public string FileDescription { get; }

    /// <summary>The Content-Type the file is sent with.</summary>
    public string FileContentType { get; }

    /// <summary>
    /// How many ids the model generates per row, counting the decoder's start token, when it generates its answer id
    /// by id (BART); null when one forward pass answers. The canned answer and the generating engines both take it.
    /// </summary>
    public virtual int? GeneratedLength => null;

    /// <summary>
    /// The entry whose model this one runs: itself, or for a half-precision entry the FP32 model it casts to and from.
    /// The engine side finds its builder by this entry's name.
    /// </summary>
    public virtual CatalogueModel BaseModel => this;

    /// <summary>What the base model's FP32 tensors travel as: FP32, or FP16 / BF16 for a half-precision entry.</summary>
    public virtual DataType FloatType => DataType.FP32;

    /// <summary>
    /// Checks one file as the stock handler would refuse it, short of preprocessing it (the canned backend spends
    /// microseconds here). Returns the length (dimension 1) of the model input the file makes where the answer's shape
    /// depends on it (<see cref="OutputLength"/>), else 0.
    /// </summary>
    /// <exception cref="WireFormatException">The file is not what the handler reads; the message says what it expects.</exception>
    public abstract long CheckFile(ModelSignature served, ReadOnlySpan<byte> file);

    /// <summary>The stock handler's preprocessing: the files of one batch as the model's first input, one row each.</summary>
    /// <param name="source">What the files are called in messages ("request body", a fixture's path).</param>
    /// <exception cref="WireFormatException">A file the handler cannot read, or files whose rows differ in length.</exception>
    public Tensor Preprocess(ModelSignature served, IReadOnlyList<ReadOnlyMemory<byte>> files, string source)
    {
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(files);
        return PreprocessFiles(served, files, source);
    }

    /// <summary>
    /// The length of the answer's variable dimension for a model input of <paramref name="inputLength"/> (its
    /// dimension 1): Wav2Vec2's logit frames, BART's generated length; 0 where the outputs have none.
    /// </summary>
    public virtual long OutputLength(long inputLength) => GeneratedLength ?? 0;

    /// <summary>
    /// The canned answer: every output of <paramref name="served"/> at its real shape, batch first and the variable
    /// dimension <paramref name="outputLength"/> long, each row holding the same seeded values (a batch of one equals the payloads' response).
    /// </summary>
    public virtual Tensor[] CannedOutputs(ModelSignature served, long batch, long outputLength)
    {
        ArgumentNullException.ThrowIfNull(served);
        var outputs = new Tensor[served.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            var spec = served.Outputs[i];
            long[] shape = [.. spec.Shape];
            shape[0] = batch;
            for (int d = 1; d < shape.Length; d++)
            {
                shape[d] = shape[d] < 0 && outputLength > 0 ? outputLength : shape[d];
            }

            if (shape.Any(d => d < 0))
            {
                throw new InvalidOperationException($"canned backend cannot size output '{spec.Name}' of model '{served.Name}'");
            }

            outputs[i] = CannedOutput(spec, shape, (int)(Tensor.CountElements(spec.Name, shape) / batch), batch);
        }

        return outputs;
    }

    /// <summary>The stock handler's postprocessing: the model's first output written as its answer (<see cref="StockAnswer"/>).</summary>
    public abstract void WriteStockAnswer(Tensor output, IBufferWriter<byte> body);

    public override string ToString() => Name;

    /// <summary>What <see cref="Preprocess"/> does for this model, its arguments checked.</summary>
    private protected abstract Tensor PreprocessFiles(ModelSignature served, IReadOnlyList<ReadOnlyMemory<byte>> files, string source);

    /// <summary>One canned output: seeded logit-like values for FP32; a model with other outputs says how to fill them.</summary>
    private protected virtual Tensor CannedOutput(TensorSpec spec, long[] shape, int perRow, long batch) =>
        spec.DataType == DataType.FP32
            ? Tensor.FromFloats(spec.Name, shape, Repeat(SeededOutputs.Logits(perRow), batch))
            : throw new InvalidOperationException($"canned backend has no values for {spec.DataType.ToKServeName()} output '{spec.Name}'");

    private protected static T[] Repeat<T>(T[] row, long batch)
    {
        var all = new T[row.Length * batch];
        for (long b = 0; b < batch; b++)
        {
            row.CopyTo(all, b * row.Length);
        }

        return all;
    }

    /// <summary>Runs one file's preprocessing; what the handler cannot read becomes a message naming what it expects.</summary>
    private protected T[] ReadFile<T>(ModelSignature served, Func<T[]> preprocess)
    {
        try
        {
            return preprocess();
        }
        catch (Exception ex) when (ex is not WireFormatException and not OutOfMemoryException)
        {
            throw new WireFormatException($"model '{served.Name}' expects {FileDescription}; the handler could not read the body: {ex.Message}", ex);
        }
    }

    /// <summary>The rows of one batch stacked as [rows, length]; rows of different lengths cannot share a tensor.</summary>
    private protected static T[] Stack<T>(ModelSignature served, T[][] rows, string differ)
    {
        if (rows.Any(r => r.Length != rows[0].Length))
        {
            throw new WireFormatException($"model '{served.Name}': the {differ}");
        }

        return [.. rows.SelectMany(r => r)];
    }
}

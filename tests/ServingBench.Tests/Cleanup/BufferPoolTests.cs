using System.Buffers;
using System.Net;
using System.Reflection;
using System.Runtime.Loader;
using ServingBench.Emulators;
using ServingBench.Emulators.Hosting;
using ServingBench.Emulators.Triton;
using ServingBench.Payloads.Catalogue;
using ServingBench.Wire.Clients;

namespace ServingBench.Tests.Cleanup;

/// <summary>Pools belong to the server or client using them, keep what their limits say, and collect on an event.</summary>
public sealed class BufferPoolTests
{
    private const int MB = 1024 * 1024;

    [Fact]
    public void No_Assembly_Of_The_Suite_Keeps_A_Pool_In_A_Static_Field()
    {
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "ServingBench*.dll")
            .Where(path => !Path.GetFileName(path).StartsWith("ServingBench.Tests", StringComparison.Ordinal))
            .Select(path => AssemblyLoadContext.Default.LoadFromAssemblyPath(path))
            .ToList();
        Assert.Contains(assemblies, a => a == typeof(BufferPool).Assembly);
        Assert.Contains(assemblies, a => a == typeof(EmulatorHost).Assembly);

        var pools = assemblies.SelectMany(StaticPoolFields).ToList();

        Assert.True(pools.Count == 0, "static pools: " + string.Join(", ", pools));
    }

    /// <summary>The scan above finds what it looks for: a static pool of each shape LargeBuffers and ArrayPool had.</summary>
    [Fact]
    public void The_Static_Pool_Scan_Finds_A_Static_Pool()
    {
        var found = StaticPoolFields(typeof(BufferPoolTests).Assembly).Where(f => f.StartsWith(nameof(StaticPoolSample), StringComparison.Ordinal)).ToList();

        Assert.Equal(3, found.Count);
    }

    [Fact]
    public async Task Two_Servers_In_One_Process_Rent_From_Their_Own_Pools()
    {
        var first = new TritonEmulator(new EmulatorOptions());
        var second = new TritonEmulator(new EmulatorOptions());
        await using var firstRunning = await EmulatorHost.StartAsync(first.Listeners(), new EmulatorOptions());
        await using var secondRunning = await EmulatorHost.StartAsync(second.Listeners(), new EmulatorOptions());
        Assert.NotSame(first.Buffers, second.Buffers);

        // Not JSON: the first server reads the whole 1 MB body into a large array, refuses it, and keeps the array.
        using var http = new HttpClient();
        using var content = new ByteArrayContent(new byte[MB]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await http.PostAsync(new Uri(firstRunning.Address(Framework.Triton, Protocol.Rest), "v2/models/bart/infer"), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(first.Buffers.Retained >= MB, $"the first server kept {first.Buffers.Retained} bytes");
        Assert.Equal(0, second.Buffers.Retained);
    }

    [Fact]
    public async Task A_Client_Does_Not_Rent_From_The_Server_It_Calls_Or_From_Another_Client()
    {
        var server = new TritonEmulator(new EmulatorOptions());
        await using var running = await EmulatorHost.StartAsync(server.Listeners(), new EmulatorOptions());
        var address = running.Address(Framework.Triton, Protocol.Rest);
        using var first = await RestInferenceClient.ConnectAsync(ScenarioCatalog.TritonRestJson, address, "bart", ModelCatalog.Bart.Signature);
        using var second = await RestInferenceClient.ConnectAsync(ScenarioCatalog.TritonRestJson, address, "bart", ModelCatalog.Bart.Signature);

        Assert.NotSame(first.Buffers, server.Buffers);
        Assert.NotSame(first.Buffers, second.Buffers);
    }

    [Fact]
    public void Retained_Bytes_Stay_Under_The_Limit_After_1500_Distinct_Sizes()
    {
        var pool = new BufferPool();
        var limits = pool.Limits;
        long largestRetained = 0;

        // Four rentals out at once, as a request and its answer in two encodings, over sizes from 64 KB to 12 MB.
        for (int round = 0; round < 1500; round++)
        {
            var rented = Enumerable.Range(0, 4).Select(i => pool.Rent(BufferPool.SmallLimit + 1 + (((round * 4) + i) * 8191 % (12 * MB)))).ToList();
            rented.ForEach(pool.Return);
            largestRetained = Math.Max(largestRetained, pool.Retained);
        }

        Assert.InRange(largestRetained, 1, limits.RetainedBytes);
        Assert.Equal(0, pool.LargeRented);
    }

    [Fact]
    public void An_Array_Larger_Than_The_Largest_Kept_Goes_To_The_Collector()
    {
        var pool = new BufferPool();
        byte[] huge = pool.Rent(pool.Limits.LargestKept + 1);

        pool.Return(huge);

        Assert.Equal(0, pool.Retained);
        Assert.NotSame(huge, pool.Rent(pool.Limits.LargestKept + 1));
    }

    [Fact]
    public void A_Returned_Array_Is_Rented_Again_So_A_Steady_State_Allocates_Nothing()
    {
        var pool = new BufferPool();
        byte[] first = pool.Rent(600_000);
        pool.Return(first);

        Assert.Same(first, pool.Rent(600_000));
    }

    [Fact]
    public void The_Pool_Collects_When_The_Last_Large_Rental_Returns_After_Enough_Was_Dropped()
    {
        var pool = new BufferPool(new BufferPoolLimits(RetainedBytes: 0, LargestKept: 256 * 1024, CollectAfterDroppedBytes: 2 * MB));
        var held = pool.Rent(MB);
        for (int i = 0; i < 4; i++)
        {
            pool.Return(pool.Rent(MB));
        }

        // 4 MB dropped, but a large array is still out: the burst is not over.
        Assert.Equal(0, pool.Collections);

        pool.Return(held);
        Assert.Equal(1, pool.Collections);

        // The count starts again: one more drop is not enough for another collection.
        pool.Return(pool.Rent(MB));
        Assert.Equal(1, pool.Collections);
    }

    [Fact]
    public void Small_Arrays_Neither_Count_As_Rentals_Nor_Start_A_Collection()
    {
        var pool = new BufferPool(new BufferPoolLimits(RetainedBytes: 0, LargestKept: 256 * 1024, CollectAfterDroppedBytes: 1));
        for (int i = 0; i < 100; i++)
        {
            pool.Return(pool.Rent(BufferPool.SmallLimit));
        }

        Assert.Equal(0, pool.LargeRented);
        Assert.Equal(0, pool.Collections);
    }

    private static IEnumerable<string> StaticPoolFields(Assembly assembly)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types;
        }

        const BindingFlags Statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        return types.OfType<Type>()
            .SelectMany(type => type.GetFields(Statics).Where(f => !f.IsLiteral && IsPool(f.FieldType)).Select(f => $"{type.Name}.{f.Name}"))
            .ToList();
    }

    /// <summary>A pool type, or a collection that can hold byte arrays for reuse (LargeBuffers kept Stack&lt;byte[]&gt;[]).</summary>
    private static bool IsPool(Type type)
    {
        if (type.IsArray)
        {
            return IsPool(type.GetElementType()!);
        }

        if (type == typeof(BufferPool) || (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(ArrayPool<>) || definition == typeof(MemoryPool<>))))
        {
            return true;
        }

        return type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            && type.GetGenericArguments().Any(argument => argument == typeof(byte[]));
    }

    private static class StaticPoolSample
    {
        public static readonly ArrayPool<byte> Arrays = ArrayPool<byte>.Create();
        public static readonly BufferPool Buffers = new();
        public static readonly Stack<byte[]>[] Kept = [];
    }
}

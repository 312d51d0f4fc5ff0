namespace ServingBench.Emulators.Hosting;

/// <summary>Runs a REST handler so that no failure escapes as an unhandled exception: each becomes the framework's error body.</summary>
internal static class RestErrors
{
    public static async Task GuardAsync(HttpContext context, Func<HttpContext, Task> handler, Func<HttpResponse, ServerError, Task> writeError, ErrorLog log, string server)
    {
        ServerError? error;
        try
        {
            await handler(context).ConfigureAwait(false);
            return;
        }
        catch (ServerError ex)
        {
            error = ex;
        }
        catch (WireFormatException ex)
        {
            error = new ServerError(ErrorKind.InvalidArgument, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            error = new ServerError(ErrorKind.InvalidArgument, ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nobody to answer
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = new ServerError(ErrorKind.Internal, $"internal error: {ex.GetType().Name}: {ex.Message}");
        }

        string call = $"{context.Request.Method} {context.Request.Path}";
        if (context.Response.HasStarted)
        {
            log.Report(server, call, error, StatusCodes.Status500InternalServerError);
            context.Abort();
            return;
        }

        context.Response.Clear();
        foreach (var (name, value) in error.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await writeError(context.Response, error).ConfigureAwait(false);
        log.Report(server, call, error, context.Response.StatusCode);
    }
}

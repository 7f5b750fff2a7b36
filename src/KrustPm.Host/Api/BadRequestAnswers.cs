using Microsoft.AspNetCore.Diagnostics;

namespace KrustPm.Host.Api;

/// <summary>
/// Requests that Kestrel finds broken while krust-pm reads them (a body larger than allowed, bad chunked framing, a
/// body that arrives too slowly, a connection closed mid-body) surface as <see cref="BadHttpRequestException"/>. They
/// are the client's fault: answered with their own status (413, 400, 408...) as problem+json, and logged as one line,
/// without the stack trace that the exception handler would otherwise write for a 500.
/// </summary>
internal sealed partial class BadRequestAnswers(IProblemDetailsService problems, ILogger<BadRequestAnswers> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var request = context.Request;
        if (logger.IsEnabled(LogLevel.Information))
        {
            var address = CommandLog.Address(context);
            LogRefused(request.Method, request.Path.Value ?? "/", address, bad.StatusCode, bad.Message);
        }

        if (context.Response.HasStarted)
        {
            return true;
        }

        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    StatusCodes.Status408RequestTimeout => "Request body too slow",
                    _ => "Malformed request",
                },
                Detail = bad.Message,
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "refused {Method} {Path} from {Address}: {Status} {Reason}")]
    private partial void LogRefused(string method, string path, string address, int status, string reason);
}

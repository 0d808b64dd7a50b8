using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// Calls to the annotation hub whose arguments cannot be bound (a string for an int, null for a long, three arguments
/// for two) never reach the hub or its filters: SignalR answers them with its generic "error on the server". This JSON
/// protocol turns such a call into one of <see cref="AnnotationHub.InvalidArguments"/>, which answers it as any other
/// invalid call is answered, with the reason: a <c>MutationResult</c> with code <c>invalid</c> for the methods that
/// change annotations, a <see cref="HubException"/> for the others (decision 0051).
/// </summary>
public sealed class ArgumentReportingJsonProtocol(IOptions<JsonHubProtocolOptions> options) : IHubProtocol
{
    private readonly JsonHubProtocol _inner = new(options);
    private readonly JsonSerializerOptions _json = options.Value.PayloadSerializerOptions;

    public string Name => _inner.Name;
    public int Version => _inner.Version;
    public TransferFormat TransferFormat => _inner.TransferFormat;

    public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);
    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);
    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
    {
        var before = input;
        if (!_inner.TryParseMessage(ref input, binder, out message)) return false;
        // A call without an invocation id expects no answer; only a hub that has the fallback method gets one.
        if (message is InvocationBindingFailureMessage { InvocationId: { } id } failure && HasFallback(binder))
        {
            var frame = before.Slice(0, before.Length - input.Length).ToArray();
            message = new InvocationMessage(id, AnnotationHub.InvalidArgumentsMethod,
                [failure.Target, HubArgumentErrors.Describe(failure.Target, frame, _json)]);
        }
        return true;
    }

    private static bool HasFallback(IInvocationBinder binder)
    {
        try
        {
            return binder.GetParameterTypes(AnnotationHub.InvalidArgumentsMethod).Count == 2;
        }
        catch (HubException)
        {
            return false;
        }
    }

    /// <summary>Puts this protocol in the place of SignalR's JSON protocol (call after every <c>AddSignalR</c>).</summary>
    public static void Register(IServiceCollection services)
    {
        var json = services.Where(d => d.ServiceType == typeof(IHubProtocol) && d.ImplementationType == typeof(JsonHubProtocol)).ToList();
        foreach (var d in json) services.Remove(d);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHubProtocol, ArgumentReportingJsonProtocol>());
    }
}

/// <summary>Why a hub call's arguments could not be read, in a sentence that names the argument and what it must be.</summary>
public static class HubArgumentErrors
{
    public static string Describe(string target, ReadOnlySpan<byte> frame, JsonSerializerOptions json)
    {
        var method = typeof(AnnotationHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .FirstOrDefault(m => m.Name.Equals(target, StringComparison.OrdinalIgnoreCase) && !m.IsSpecialName);
        if (method is null || method.Name == AnnotationHub.InvalidArgumentsMethod) return $"The hub has no method \"{Short(target)}\".";
        var parameters = method.GetParameters();
        var signature = $"{method.Name}({string.Join(", ", parameters.Select(p => $"{p.Name}: {TypeName(p.ParameterType)}"))})";
        JsonElement arguments;
        try
        {
            var end = frame.IndexOf((byte)0x1E);
            using var document = JsonDocument.Parse(frame[..(end < 0 ? frame.Length : end)].ToArray());
            if (!document.RootElement.TryGetProperty("arguments", out var found) || found.ValueKind != JsonValueKind.Array)
                return $"The call carries no arguments; {signature} takes {parameters.Length}.";
            arguments = found.Clone();
        }
        catch (JsonException)
        {
            return $"The call's arguments could not be read; {signature}.";
        }
        if (arguments.GetArrayLength() != parameters.Length)
            return $"{method.Name} takes {Count(parameters.Length)} ({signature}), not {arguments.GetArrayLength()}.";
        for (var i = 0; i < parameters.Length; i++)
        {
            var argument = arguments[i];
            var type = parameters[i].ParameterType;
            try
            {
                _ = argument.Deserialize(type, json);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
            {
                var where = $"Argument {i + 1} of {method.Name} ({parameters[i].Name})";
                if ((e.InnerException ?? e).Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
                    return $"{where} holds a lone surrogate (half of a UTF-16 pair, such as \\ud800 alone): text must be valid Unicode.";
                if (e is JsonException { Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal) && argument.ValueKind == JsonValueKind.Object)
                {
                    var name = path[2..].Split('.', '[')[0];
                    var property = type.GetProperties().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                    var value = argument.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
                    if (property is not null)
                        return $"{where}: \"{Short(name)}\" must be {TypeName(property.PropertyType)}, not {ValueName(value)}.";
                }
                return $"{where} must be {TypeName(type)}, not {ValueName(argument)}.";
            }
        }
        return $"The call's arguments do not fit {signature}.";
    }

    private static string Count(int n) => n == 1 ? "1 argument" : $"{n} arguments";

    private static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return TypeName(inner) + " or null";
        if (type == typeof(int)) return $"an integer from {int.MinValue} to {int.MaxValue}";
        if (type == typeof(long)) return "an integer";
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));
        return $"an object {{ {string.Join(", ", properties)} }}";
    }

    private static string ValueName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined => "missing",
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Number => $"the number {Short(value.GetRawText())}",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Short(string s) => s.Length <= 40 ? s : s[..37] + "...";
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace SharpSR.Core.Serialization;

/// <summary>Turns System.Text.Json's errors into messages in the user's terms (keys and values, not .NET types).</summary>
public static partial class StrictJson
{
    public static string Explain(JsonException e, Type target, JsonSerializerOptions options)
    {
        var known = options.GetTypeInfo(target).Properties.Select(p => p.Name).Order(StringComparer.Ordinal);
        if (UnmappedKey().Match(e.Message) is { Success: true } unmapped)
            return $"unknown key '{unmapped.Groups[1].Value}' (known: {string.Join(", ", known)})";
        string key = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        if (ConvertTo().Match(e.Message) is { Success: true } convert && key.Length > 0)
            return $"'{key}' must be {DescribeType(convert.Groups[1].Value)}";
        string where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
        return "not valid JSON" + where;
    }

    /// <summary>What a .NET type name means to a user: "System.Int32" is "a whole number".</summary>
    public static string DescribeType(string dotnetType) => dotnetType switch
    {
        var t when t.Contains("UInt", StringComparison.Ordinal) => "a whole number of 0 or more",
        var t when t.Contains("Int", StringComparison.Ordinal) => "a whole number",
        var t when t.Contains("Double", StringComparison.Ordinal) || t.Contains("Single", StringComparison.Ordinal) => "a number",
        var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        var t when t.Contains("String", StringComparison.Ordinal) => "a string",
        var t when t.Contains("List", StringComparison.Ordinal) || t.Contains("[]", StringComparison.Ordinal) => "a list",
        _ => "a different kind of value",
    };

    [GeneratedRegex("The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedKey();

    [GeneratedRegex("could not be converted to ([^ .]+(?:\\.[^ .]+)*)")]
    private static partial Regex ConvertTo();
}

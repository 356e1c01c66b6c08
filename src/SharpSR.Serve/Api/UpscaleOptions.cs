using System.Globalization;
using SharpSR.Serve.Jobs;

namespace SharpSR.Serve.Api;

/// <summary>The options of one upscale request, from its query string, checked against the model menu.</summary>
public sealed record UpscaleOptions(ModelChoice Model, int Scale, bool Ensemble, string Format, int Quality, string? Ticket)
{
    public string MediaType => Format == "jpeg" ? "image/jpeg" : "image/png";
    public string Extension => Format == "jpeg" ? ".jpg" : ".png";

    /// <summary>Throws <see cref="ApiException"/> (422) naming the option and what it may be.</summary>
    public static UpscaleOptions Parse(ModelMenu menu, string? model, string? scale, string? ensemble, string? format, string? quality, string? ticket)
    {
        var choice = string.IsNullOrEmpty(model) ? menu.Choices[0] : menu.Find(model)
            ?? throw ApiException.BadOption($"unknown model '{Shorten(model)}'; choose one of: {string.Join(", ", menu.Choices.Select(c => c.Name))}");
        int s = choice.DefaultScale;
        if (!string.IsNullOrEmpty(scale) && (!int.TryParse(scale, NumberStyles.None, CultureInfo.InvariantCulture, out s) || !choice.Scales.Contains(s)))
            throw ApiException.BadOption($"scale '{Shorten(scale)}' is not available for {choice.Name}; choose {string.Join(", ", choice.Scales)}");
        bool ens = ParseBool(ensemble, "ensemble");
        if (ens && choice.Name == "bicubic") throw ApiException.BadOption("ensemble applies to networks, not to bicubic");
        string f = string.IsNullOrEmpty(format) ? "png" : format.ToLowerInvariant() switch
        {
            "png" => "png",
            "jpeg" or "jpg" => "jpeg",
            _ => throw ApiException.BadOption($"format '{Shorten(format)}' is not offered; choose png or jpeg"),
        };
        int q = 92;
        if (!string.IsNullOrEmpty(quality) && (!int.TryParse(quality, NumberStyles.None, CultureInfo.InvariantCulture, out q) || q is < 1 or > 100))
            throw ApiException.BadOption($"quality '{Shorten(quality)}' is out of range: 1 to 100");
        if (ticket is not null && !ProgressHub.IsValidTicket(ticket))
            throw ApiException.BadOption("ticket must be 8 to 64 letters, digits, '-' or '_'");
        return new UpscaleOptions(choice, s, ens, f, q, ticket);
    }

    private static bool ParseBool(string? value, string name) => value?.ToLowerInvariant() switch
    {
        null or "" or "false" or "0" or "no" or "off" => false,
        "true" or "1" or "yes" or "on" => true,
        _ => throw ApiException.BadOption($"{name} '{Shorten(value)}' must be true or false"),
    };

    /// <summary>Echoes at most a few characters of what the client sent.</summary>
    internal static string Shorten(string value) =>
        new string((value.Length > 40 ? value[..40] + "…" : value).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

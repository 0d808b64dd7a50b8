using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>File and type names in a brat zip, shared by <see cref="BratWriter"/> and <see cref="BratReader"/>.</summary>
public static class BratNames
{
    /// <summary>
    /// A document id as a file name: letters, digits, '-' and '_' stay, every other UTF-8 byte becomes %XX (a leading
    /// '.' too), so any id makes a safe, distinct name and <see cref="IdOf"/> gives the id back.
    /// </summary>
    public static string FileNameOf(string id)
    {
        var builder = new StringBuilder(id.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in id.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '-' or '_' || (rune.Value == '.' && builder.Length > 0)))
            {
                builder.Append((char)rune.Value);
                continue;
            }
            var n = rune.EncodeToUtf8(bytes);
            for (var i = 0; i < n; i++) builder.Append('%').Append(bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>The document id of a file name made by <see cref="FileNameOf"/> (any other name is its own id).</summary>
    public static string IdOf(string fileName)
    {
        try
        {
            return Uri.UnescapeDataString(fileName);
        }
        catch (UriFormatException)
        {
            return fileName;
        }
    }

    /// <summary>A brat type for a label: brat types hold no spaces or conf punctuation, so anything but a letter, digit, '-' or '_' becomes '_'.</summary>
    public static string TypeOf(string label)
    {
        var builder = new StringBuilder(label.Length);
        foreach (var rune in label.EnumerateRunes())
            builder.Append(Rune.IsLetterOrDigit(rune) || rune.Value is '-' or '_' ? rune.ToString() : "_");
        return builder.Length == 0 ? "_" : builder.ToString();
    }
}

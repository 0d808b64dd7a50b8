using AnnotateHub.Core.Formats;
using AnnotateHub.Tests.Support;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>
/// A small corpus for the export tests: emoji outside the BMP (a skin tone, a ZWJ family, math letters), a combining
/// accent, CJK and Arabic, spans on all of them, a span across a line break, CSV-dangerous span texts, and labels with spaces.
/// </summary>
public static class ExportCorpus
{
    public const string Family = "👨\u200D👩\u200D👧";

    public static readonly string Text1 = $"Base 👍🏽 hit near Erbil.\nThe {Family} family and Cafe\u0301 Noir staff fled.";
    public static readonly string Text2 = "基地遭到火箭袭击。三人受伤。";
    public static readonly string Text3 = "قاعدة عين الأسد تعرضت لهجوم. =1+1 @home -5 casualties";
    public static readonly string Text4 = "𝔘𝔖 forces said \"no comment\", ok?";

    public static IReadOnlyList<InterchangeDocument> Documents { get; } =
    [
        Doc("d1", Text1, "Reuters", "2024-01-05", ["alice", "bob", "carol"],
        [
            Span("alice", Text1, "Erbil", "place"),
            Span("alice", Text1, $"{Family} family", "actor"),
            Span("alice", Text1, "Cafe\u0301 Noir", "actor"),
            Span("alice", Text1, $"hit near Erbil.\nThe {Family}", "claim"),
            Span("bob", Text1, "Erbil", "place"),
            Span("bob", Text1, $"{Family} family", "actor"),
            Span("bob", Text1, "Cafe\u0301 Noir", "place"),
            Span("carol", Text1, "Erbil", "place"),
            Span("carol", Text1, "👍🏽", "claim"),
        ], []),
        Doc("d2", Text2, "Xinhua", "2024-01-05", ["alice", "bob"],
        [
            Span("alice", Text2, "基地", "place"),
            Span("alice", Text2, "三人", "casualty figure"),
            Span("bob", Text2, "基地", "place"),
            Span("bob", Text2, "三人", "casualty figure"),
        ],
        [Gold(Text2, "基地", "place"), Gold(Text2, "三人", "casualty figure")]),
        Doc("d3", Text3, "Al Jazeera", "2024-01-06", ["alice", "bob", "carol"],
        [
            Span("alice", Text3, "عين الأسد", "place"),
            Span("bob", Text3, "=1+1", "claim"),
            Span("bob", Text3, "@home", "place"),
            Span("carol", Text3, "-5 casualties", "casualty figure"),
        ], [Gold(Text3, "عين الأسد", "place")]),
        Doc("d/4 é", Text4, null, null, ["alice"],
        [Span("alice", Text4, "\"no comment\", ok", "claim")],
        [Gold(Text4, "𝔘𝔖 forces", "actor")]),
    ];

    public static async IAsyncEnumerable<InterchangeDocument> Stream(IEnumerable<InterchangeDocument>? documents = null)
    {
        foreach (var d in documents ?? Documents)
        {
            await Task.Yield();
            yield return d;
        }
    }

    public static InterchangeDocument Doc(string id, string text, string? outlet, string? published, IReadOnlyList<string> annotators,
        IReadOnlyList<InterchangeSpan> spans, IReadOnlyList<GoldSpan> gold) =>
        new(id, text, new Dictionary<string, string?> { ["title"] = $"Title of {id}", ["outlet"] = outlet, ["published"] = published }, annotators, spans, gold);

    /// <summary>The span over the first occurrence of <paramref name="part"/>, offsets in code points.</summary>
    public static InterchangeSpan Span(string annotator, string text, string part, string label)
    {
        var (start, end) = Offsets(text, part);
        return new InterchangeSpan(annotator, start, end, label);
    }

    public static GoldSpan Gold(string text, string part, string label)
    {
        var (start, end) = Offsets(text, part);
        return new GoldSpan(start, end, label);
    }

    public static (int Start, int End) Offsets(string text, string part)
    {
        var at = text.IndexOf(part, StringComparison.Ordinal);
        if (at < 0) throw new ArgumentException($"\"{part}\" is not in the text.");
        var start = PythonText.CodePointOffset(text, at);
        return (start, start + PythonText.Runes(part).Length);
    }

    public static InterchangeDocument ById(string id) => Documents.Single(d => d.Id == id);

    /// <summary>Runs a format over the corpus into memory.</summary>
    public static async Task<byte[]> WriteAsync(IExportFormat format, ExportOptions options, IEnumerable<InterchangeDocument>? documents = null)
    {
        using var output = new MemoryStream();
        await format.WriteAsync(Stream(documents), output, options);
        return output.ToArray();
    }

    public static readonly IReadOnlyDictionary<string, string> Splits = new Dictionary<string, string>
    {
        ["d1"] = "train", ["d2"] = "train", ["d3"] = "dev", ["d/4 é"] = "test",
    };
}

using System.Text.Json;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Curation;

namespace AnnotateHub.Tests.Web.Curation;

/// <summary>A merge's history row holds its spans as the serializer would write them (undo and the history read them back).</summary>
public sealed class MergeSnapshotJsonTests
{
    [Fact]
    public void The_hand_written_snapshot_json_is_the_serializers_byte_for_byte()
    {
        var random = new Random(7);
        string?[] texts = [null, "", "ana,ben", "vote:2:0.6", "quote \" backslash \\ <tag> & 'apostrophe'", "naïve – ünïcode 🙂", "line\nbreak\ttab"];
        DateTime[] times = [new(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc), new(2025, 1, 2, 3, 4, 5, 123, DateTimeKind.Unspecified), new DateTime(638_000_000_000_000_123L, DateTimeKind.Local)];
        for (var n = 0; n < 50; n++)
        {
            var spans = Enumerable.Range(0, random.Next(0, 6)).Select(_ => new GoldAnnotation
            {
                Id = random.Next(3) == 0 ? 0 : random.NextInt64(1, long.MaxValue), DocumentId = random.Next(), Start = random.Next(1000), End = random.Next(1000),
                LabelId = random.Next(), CreatedAt = times[random.Next(times.Length)], Origin = (GoldOrigin)random.Next(4), Rule = texts[random.Next(texts.Length)],
                CuratorId = texts[random.Next(texts.Length)], Sources = texts[random.Next(texts.Length)], Note = texts[random.Next(texts.Length)],
                UpdatedAt = random.Next(2) == 0 ? null : times[random.Next(times.Length)], Version = random.Next(1, 9),
            }).ToList();
            Assert.Equal(JsonSerializer.Serialize(spans.Select(CurationService.Snapshot), CurationService.SnapshotJson), MergeWriter.SnapshotsJson(spans));
        }
    }
}

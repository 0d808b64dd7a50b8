using AnnotateHub.Core.Documents;
using AnnotateHub.Tests.Support;

namespace AnnotateHub.Tests.Core.Documents;

public sealed class ArticleTextTests
{
    public static TheoryData<string, string, string?, string?> Seeds => new()
    {
        { "000", "Explainer: Why is Ain al-Assad US military base under Iraqi resistance attack again?", "Press TV", null },
        { "001", "Rocket Op. Targets US-Occupied Base in Iraq, Several American Personnel Injured", null, "2024-11-11" },
        { "002", "Pro-Iran militias attack US bases in Iraq again", null, null },
        {
            "003",
            "Iraq’s Islamic Resistance, an umbrella group of anti-terror forces, says this week's attack on the US-occupied Ain al-Assad Airbase in western Iraq marks a…",
            null, null
        },
        { "004", "US military expanding Ain al-Asad air base despite calls to withdraw troops from Iraq: Source", "Press TV", null },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Metadata_of_the_demo_seeds_is_read_from_their_text(string seed, string title, string? outlet, string? published)
    {
        var meta = ArticleText.ReadMetadata(RepositoryFiles.ReadSeed(seed), "fallback");

        Assert.Equal(title, meta.Title);
        Assert.Equal(outlet, meta.Outlet);
        Assert.Equal(published is null ? null : DateOnly.Parse(published, System.Globalization.CultureInfo.InvariantCulture), meta.Published);
    }

    private static readonly string[] SeedPrefixes = ["000", "001", "002", "003", "004"];

    public static TheoryData<string> SeedNames => new(SeedPrefixes);

    [Theory]
    [MemberData(nameof(SeedNames))]
    public void Metadata_is_the_same_for_crlf_copies_of_the_seeds(string seed)
    {
        var lf = RepositoryFiles.ReadSeed(seed).Replace("\r\n", "\n");
        var crlf = lf.Replace("\n", "\r\n");

        Assert.Equal(ArticleText.ReadMetadata(lf, "fallback"), ArticleText.ReadMetadata(crlf, "fallback"));
    }

    [Fact]
    public void A_title_too_long_and_without_an_early_sentence_end_is_cut_at_a_word_and_marked()
    {
        var meta = ArticleText.ReadMetadata(RepositoryFiles.ReadSeed("003"), "fallback");

        Assert.True(meta.Title.Length <= ArticleText.MaxTitleLength);
        Assert.EndsWith(" marks a…", meta.Title);
    }

    [Fact]
    public void A_long_first_line_with_an_early_full_stop_becomes_its_first_sentence()
    {
        var line = "Rockets hit the base on Monday. " + string.Join(' ', Enumerable.Repeat("More words follow here", 12));

        Assert.Equal("Rockets hit the base on Monday", ArticleText.ReadMetadata(line, "fallback").Title);
    }

    [Fact]
    public void Breadcrumbs_and_bylines_are_skipped_when_looking_for_the_title()
    {
        const string text = "News / World\n\nBy Jane Doe\n\nThe real headline\n\nBody text.";

        Assert.Equal("The real headline", ArticleText.ReadMetadata(text, "fallback").Title);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n \n\t\n")]
    public void Text_without_any_line_falls_back_to_the_given_title(string text)
    {
        var meta = ArticleText.ReadMetadata(text, "003_e301387acb8c9699");

        Assert.Equal(new ArticleMetadata("003_e301387acb8c9699", null, null), meta);
    }

    [Fact]
    public void A_date_in_the_body_is_used_when_no_line_starts_with_one()
    {
        var meta = ArticleText.ReadMetadata("Headline\n\nPublished 2021-03-04 by the desk.", "fallback");

        Assert.Equal(new DateOnly(2021, 3, 4), meta.Published);
    }

    [Fact]
    public void An_impossible_date_is_ignored()
    {
        var meta = ArticleText.ReadMetadata("date 2024-13-45 Headline", "fallback");

        Assert.Null(meta.Published);
        Assert.Equal("Headline", meta.Title);
    }

    [Fact]
    public void Normalize_turns_crlf_and_lone_cr_into_lf()
    {
        Assert.Equal("a\nb\nc\n\nd", ArticleText.Normalize("a\r\nb\rc\r\n\r\nd"));
    }

    [Fact]
    public void Normalize_drops_a_byte_order_mark_and_changes_nothing_else()
    {
        const string body = "  Iraq’s base 👍🏽\t e\u0301  ";

        Assert.Equal(body, ArticleText.Normalize("\uFEFF" + body));
        Assert.Equal(body, ArticleText.Normalize(body));
    }

    [Fact]
    public void The_hash_is_the_lower_case_sha256_of_the_utf8_text()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ArticleText.ContentHash("abc"));
    }

    [Fact]
    public void The_hash_is_the_same_for_crlf_lf_and_bom_copies()
    {
        var lf = RepositoryFiles.ReadSeed("000").Replace("\r\n", "\n");
        var crlf = lf.Replace("\n", "\r\n");

        Assert.Equal(ArticleText.ContentHash(lf), ArticleText.ContentHash(crlf));
        Assert.Equal(ArticleText.ContentHash(lf), ArticleText.ContentHash("\uFEFF" + crlf));
    }

    [Fact]
    public void The_hash_differs_when_the_text_differs()
    {
        Assert.NotEqual(ArticleText.ContentHash("ten soldiers injured"), ArticleText.ContentHash("ten soldiers injured."));
    }

    [Fact]
    public void The_five_seeds_have_five_different_hashes()
    {
        var hashes = SeedPrefixes.Select(s => ArticleText.ContentHash(RepositoryFiles.ReadSeed(s)));

        Assert.Equal(5, hashes.Distinct().Count());
    }
}

public sealed class ArticleTextOffsetTests
{
    [Fact]
    public void Normalising_line_endings_moves_offsets_after_each_removed_carriage_return()
    {
        var (text, map) = AnnotateHub.Core.Documents.ArticleText.NormalizeWithOffsets("\uFEFFa\r\nb\rc");
        Assert.Equal("a\nb\nc", text);
        // original: BOM a \r \n b \r c -> normalised: a \n b \n c
        Assert.Equal([0, 0, 1, 1, 2, 3, 4, 5], map!);
    }

    [Fact]
    public void Text_without_carriage_returns_needs_no_map() =>
        Assert.Null(AnnotateHub.Core.Documents.ArticleText.NormalizeWithOffsets("a\nb").OffsetMap);
}

using AnnotateHub.Tests.Support;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Tests.Components;

public sealed class DocumentPageTests : DocumentPageContext
{
    private const string Phrase = "at least ten US soldiers were injured";

    [Fact]
    public void The_document_text_title_and_labels_are_shown()
    {
        var cut = RenderDocument(EmojiDocumentId);

        Assert.Equal("Emoji report", cut.Find("h1.doc-title").TextContent);
        Assert.Equal(EmojiText.Replace("\n", ""), cut.Find("[data-testid=doc-text]").TextContent.Replace("\n", "").Trim());
        Assert.Equal(3, cut.FindAll("p.para").Count);
        Assert.Empty(cut.FindAll("span.ann"));
        Assert.Empty(cut.FindAll("[data-testid=label-menu]"));
    }

    [Fact]
    public async Task Selecting_part_of_a_phrase_opens_the_label_menu_on_the_whole_words()
    {
        var cut = RenderDocument(SeedDocumentId);

        await Select(cut, Utf16Range(SeedText, "t least ten US soldiers were inj"));

        var menu = cut.Find("[data-testid=label-menu]");
        Assert.Equal($"“{Phrase}”", menu.QuerySelector(".label-menu-preview")!.TextContent);
        Assert.Equal(["claim", "actor", "casualty figure"], menu.QuerySelectorAll("button.label-menu-item").Select(b => b.GetAttribute("data-label")));
    }

    [Fact]
    public async Task A_white_space_selection_opens_no_menu()
    {
        var cut = RenderDocument(SeedDocumentId);
        var at = SeedText.IndexOf(" ten ", StringComparison.Ordinal);

        await Select(cut, (at, at + 1));

        Assert.Empty(cut.FindAll("[data-testid=label-menu]"));
    }

    [Fact]
    public async Task Hotkey_3_saves_the_snapped_selection_as_a_casualty_figure()
    {
        var cut = RenderDocument(SeedDocumentId);
        await Select(cut, Utf16Range(SeedText, "t least ten US soldiers were inj"));

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        var saved = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal(SeedDocumentId, saved.DocumentId);
        Assert.Equal(Ana.Id, saved.AnnotatorId);
        Assert.Equal(LabelIds["casualty figure"], saved.LabelId);
        Assert.Equal(Phrase, PythonText.Slice(SeedText, saved.Start, saved.End));
        var span = Assert.Single(cut.FindAll("span.ann"));
        Assert.Equal(Phrase, span.TextContent);
        Assert.Equal(saved.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), span.GetAttribute("data-anns"));
        Assert.Empty(cut.FindAll("[data-testid=label-menu]"));
        JSInterop.VerifyInvoke("annotateHub.clearSelection");
    }

    [Fact]
    public async Task A_span_after_emoji_is_saved_with_code_point_offsets()
    {
        var cut = RenderDocument(EmojiDocumentId);
        var (start, end) = Utf16Range(EmojiText, Phrase);

        await Select(cut, (start, end));
        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        var saved = Assert.Single(await AnnotationsInDatabase());
        // Two surrogate pairs (👍🏽) and two more (🇮🇶) come before the phrase: four code units more than code points.
        Assert.Equal(start - 4, saved.Start);
        Assert.Equal(end - 4, saved.End);
        Assert.Equal(PythonText.CodePointOffset(EmojiText, start), saved.Start);
        Assert.Equal(Phrase, PythonText.Slice(EmojiText, saved.Start, saved.End));
        Assert.Equal(LabelIds["casualty figure"], saved.LabelId);
        var span = Assert.Single(cut.FindAll("span.ann"));
        Assert.Equal(Phrase, span.TextContent);
        Assert.Equal(start.ToString(System.Globalization.CultureInfo.InvariantCulture), span.GetAttribute("data-s"));
    }

    [Fact]
    public async Task A_new_span_is_selected_and_shown_in_the_details_and_the_list()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, Phrase));

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        Assert.Equal("ann sel", cut.Find("span.ann").GetAttribute("class"));
        Assert.Equal($"“{Phrase}”", cut.Find("[data-testid=span-text]").TextContent);
        Assert.Equal("true", cut.Find(".label-pick[data-label='casualty figure']").GetAttribute("aria-checked"));
        var listed = Assert.Single(cut.FindAll("[data-testid=span-list] .span-group[data-label='casualty figure'] .span-item"));
        Assert.Equal(Phrase, listed.QuerySelector(".span-item-text")!.TextContent);
        Assert.Equal("Ana", listed.QuerySelector(".span-item-who")!.TextContent);
    }

    [Fact]
    public async Task The_save_is_recorded_in_the_change_log()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, Phrase));

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("1"));

        await using var db = await DbFactory.CreateDbContextAsync();
        var change = Assert.Single(await db.DocumentChanges.AsNoTracking().ToListAsync());
        var saved = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal((EmojiDocumentId, 1L, ChangeKind.AnnotationCreated, (long?)saved.Id, Ana.Id),
            (change.DocumentId, change.Sequence, change.Kind, change.AnnotationId, change.UserId));
        Assert.Equal(LabelIds["claim"], saved.LabelId);
    }

    [Fact]
    public async Task A_hotkey_with_nothing_selected_saves_nothing()
    {
        var cut = RenderDocument(EmojiDocumentId);

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        Assert.Empty(await AnnotationsInDatabase());
        Assert.Empty(cut.FindAll("span.ann"));
    }

    [Fact]
    public async Task Escape_closes_the_menu_and_a_later_hotkey_saves_nothing()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, Phrase));

        await cut.InvokeAsync(() => cut.Instance.OnEscape());
        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        Assert.Empty(cut.FindAll("[data-testid=label-menu]"));
        Assert.Empty(await AnnotationsInDatabase());
    }

    [Fact]
    public async Task A_key_that_is_no_labels_hotkey_saves_nothing_and_keeps_the_menu()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, Phrase));

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("7"));

        Assert.Empty(await AnnotationsInDatabase());
        Assert.Single(cut.FindAll("[data-testid=label-menu]"));
    }

    [Fact]
    public async Task Picking_a_label_in_the_menu_saves_the_span()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, "قاعدة عين الأسد"));

        await cut.Find("[data-testid=label-menu] button[data-label='actor']").ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());

        var saved = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal(LabelIds["actor"], saved.LabelId);
        Assert.Equal("قاعدة عين الأسد", PythonText.Slice(EmojiText, saved.Start, saved.End));
    }

    [Fact]
    public async Task Spans_already_stored_are_drawn_over_their_text()
    {
        var start = PythonText.CodePointOffset(EmojiText, EmojiText.IndexOf("基地", StringComparison.Ordinal));
        await StoreAnnotation(EmojiDocumentId, Bob, start, start + "基地遭到火箭袭击".Length, "claim");

        var cut = RenderDocument(EmojiDocumentId);

        var span = Assert.Single(cut.FindAll("span.ann"));
        Assert.Equal("基地遭到火箭袭击", span.TextContent);
    }

    [Fact]
    public async Task The_delete_key_deletes_the_selected_own_span()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, Phrase));
        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));
        Assert.Single(await AnnotationsInDatabase());

        await cut.InvokeAsync(() => cut.Instance.OnDeleteKey());

        Assert.Empty(await AnnotationsInDatabase());
        Assert.Empty(cut.FindAll("span.ann"));
        Assert.Empty(cut.FindAll("[data-testid=span-details]"));
        Assert.Empty(cut.FindAll("[data-testid=span-list] .span-item"));
    }

    [Fact]
    public async Task Clicking_an_own_stored_span_selects_it_and_the_delete_key_deletes_it()
    {
        var stored = await StoreAnnotation(EmojiDocumentId, Ana, 0, 6, "claim"); // "Rocket"
        var cut = RenderDocument(EmojiDocumentId);

        await cut.InvokeAsync(() => cut.Instance.OnSpanClick(stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 10, 10));
        Assert.Equal("“Rocket”", cut.Find("[data-testid=span-text]").TextContent);
        await cut.InvokeAsync(() => cut.Instance.OnDeleteKey());

        Assert.Empty(await AnnotationsInDatabase());
        Assert.Empty(cut.FindAll("span.ann"));
    }

    [Fact]
    public async Task Another_users_span_is_shown_read_only()
    {
        var bobs = await StoreAnnotation(EmojiDocumentId, Bob, 0, 6, "claim");
        var cut = RenderDocument(EmojiDocumentId);

        await cut.InvokeAsync(() => cut.Instance.OnSpanClick(bobs.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 10, 10));

        var details = cut.Find("[data-testid=span-details]");
        Assert.Contains("Only Bob can change this span.", details.TextContent);
        Assert.All(details.QuerySelectorAll("button.label-pick"), b => Assert.True(b.HasAttribute("disabled")));
        Assert.Empty(cut.FindAll("[data-testid=delete-span]"));
        Assert.Empty(cut.FindAll("[data-testid=save-note]"));
    }

    [Fact]
    public async Task The_delete_key_leaves_another_users_span_alone()
    {
        var bobs = await StoreAnnotation(EmojiDocumentId, Bob, 0, 6, "claim");
        var cut = RenderDocument(EmojiDocumentId);
        await cut.InvokeAsync(() => cut.Instance.OnSpanClick(bobs.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 10, 10));

        await cut.InvokeAsync(() => cut.Instance.OnDeleteKey());

        var kept = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal((bobs.Id, 1), (kept.Id, kept.Version));
        Assert.Equal("Rocket", Assert.Single(cut.FindAll("span.ann")).TextContent);
    }

    [Fact]
    public async Task A_hotkey_does_not_relabel_another_users_span()
    {
        var bobs = await StoreAnnotation(EmojiDocumentId, Bob, 0, 6, "claim");
        var cut = RenderDocument(EmojiDocumentId);
        await cut.InvokeAsync(() => cut.Instance.OnSpanClick(bobs.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 10, 10));

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("2"));

        var kept = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal((LabelIds["claim"], 1), (kept.LabelId, kept.Version));
    }

    [Fact]
    public async Task The_service_refuses_to_delete_or_change_another_users_span()
    {
        var bobs = await StoreAnnotation(EmojiDocumentId, Bob, 0, 6, "claim");

        var delete = await AnnotationService.DeleteAsync(bobs.Id, Ana.Id, expectedVersion: 1);
        var update = await AnnotationService.UpdateAsync(bobs.Id, Ana.Id, expectedVersion: 1, LabelIds["actor"], "mine now");

        Assert.Equal(AnnotationOutcome.Forbidden, delete.Outcome);
        Assert.Equal(AnnotationOutcome.Forbidden, update.Outcome);
        var kept = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal((LabelIds["claim"], (string?)null, 1), (kept.LabelId, kept.Note, kept.Version));
    }

    [Fact]
    public async Task A_hotkey_relabels_the_selected_own_span()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, Phrase));
        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("1"));

        var saved = Assert.Single(await AnnotationsInDatabase());
        Assert.Equal((LabelIds["claim"], 2), (saved.LabelId, saved.Version));
        Assert.Equal("true", cut.Find(".label-pick[data-label='claim']").GetAttribute("aria-checked"));
        Assert.Equal("--h:#1e88e540;--l0:#1e88e5;", cut.Find("span.ann").GetAttribute("style"));
    }

    [Fact]
    public async Task Hostile_title_outlet_text_and_url_are_shown_as_text_and_no_link()
    {
        const string hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        var id = await StoreDocument(hostile, "Body " + hostile, url: "javascript:alert(3)", outlet: hostile);

        var cut = RenderDocument(id);

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Equal(hostile, cut.Find("h1.doc-title").TextContent);
        Assert.Equal(hostile, cut.Find("[data-testid=doc-outlet]").TextContent);
        Assert.Equal("Body " + hostile, cut.Find("p.para").TextContent);
        Assert.Empty(cut.FindAll(".doc-meta a"));
    }

    [Fact]
    public async Task An_http_source_url_becomes_a_link_that_opens_safely()
    {
        var id = await StoreDocument("Linked", "Body text.", url: "https://www.presstv.ir/Detail/2024/11/11/1");

        var cut = RenderDocument(id);

        var link = cut.Find(".doc-meta a");
        Assert.Equal("https://www.presstv.ir/Detail/2024/11/11/1", link.GetAttribute("href"));
        Assert.Equal("noopener noreferrer nofollow", link.GetAttribute("rel"));
    }

    [Fact]
    public void A_missing_document_shows_a_warning()
    {
        var cut = Render<AnnotateHub.Web.Features.Documents.DocumentPage>(p => p.Add(d => d.DocumentId, 9999));

        cut.WaitForAssertion(() => Assert.Contains("This document does not exist.", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=doc-text]"));
    }

    [Fact]
    public async Task The_spans_listed_beside_a_selected_one_follow_live_changes_and_stay_listed_when_switching()
    {
        var cut = RenderDocument(SeedDocumentId);
        var (start, end) = CodePoints(Phrase);
        var outer = await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, start, end, LabelIds["casualty figure"], null);
        var inner = await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, start, start + 8, LabelIds["claim"], null);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=span-list] .span-item").Count));
        var ids = $"{inner.Annotation!.Id} {outer.Annotation!.Id}";

        await cut.InvokeAsync(() => cut.Instance.OnSpanClick(ids, 0, 0));
        Assert.Equal(["claim", "casualty figure"], cut.FindAll(".overlap-chip").Select(c => c.TextContent).ToArray());

        // Switching to the other span under the click keeps both listed.
        await cut.InvokeAsync(() => cut.FindAll(".overlap-chip")[1].Click());
        Assert.Equal("casualty figure", cut.Find(".overlap-chip.active").TextContent);
        Assert.Equal(2, cut.FindAll(".overlap-chip").Count);

        // Bob relabels the inner span elsewhere: the list shows its new label; then he deletes it: it leaves the list.
        var relabeled = await AnnotationService.UpdateAsync(inner.Annotation.Id, Bob.Id, 1, LabelIds["actor"], null);
        Assert.True(relabeled.Succeeded, relabeled.Error);
        cut.WaitForAssertion(() => Assert.Equal(["actor", "casualty figure"], cut.FindAll(".overlap-chip").Select(c => c.TextContent).ToArray()));
        var deleted = await AnnotationService.DeleteAsync(inner.Annotation.Id, Bob.Id, 2);
        Assert.True(deleted.Succeeded, deleted.Error);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".overlap-chip")));
        Assert.Contains(Phrase, cut.Find("[data-testid=span-text]").TextContent);
    }

    private (int Start, int End) CodePoints(string part)
    {
        var at = SeedText.IndexOf(part, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{part}' is not in the text");
        var first = SeedText[..at].EnumerateRunes().Count();
        return (first, first + part.EnumerateRunes().Count());
    }
}

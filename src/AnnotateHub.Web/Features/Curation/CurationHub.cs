using AnnotateHub.Core.Curation;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Tokens;
using AnnotateHub.Web.Features.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// Curation for programs (an adjudication script, a second curator's tool): read a document's curation view, decide
/// units, edit gold, merge, finish, undo, revert and read history, with the same rules as the curation page; join a
/// document to receive <c>CurationChanged</c> whenever anyone's decision lands there. See docs/realtime.md.
/// </summary>
[Authorize(Policy = ApiTokenDefaults.CookieOrToken)]
public sealed class CurationHub(CurationService curation, LabelService labels, CurationHubRelay relay, CallerStanding standing) : Hub
{
    public const string Path = "/hubs/curation";

    private string UserId => Context.User!.Id();

    /// <summary>The curation view of a document, as the page shows it (names hidden and lanes shuffled when
    /// <paramref name="anonymous"/>); a <see cref="HubException"/> when the caller may not curate it.</summary>
    public async Task<CurationStateDto> GetCuration(int documentId, bool anonymous)
    {
        await RequireStandingAsync();
        var (state, error) = await curation.LoadAsync(documentId, UserId, anonymous);
        return state is null ? throw new HubException(error) : CurationStateDto.From(state);
    }

    /// <summary>Receive <c>CurationChanged</c> for the document from now on (only while the caller may curate it).</summary>
    public async Task JoinCuration(int documentId)
    {
        await RequireStandingAsync();
        var (state, error) = await curation.LoadAsync(documentId, UserId);
        if (state is null) throw new HubException(error);
        relay.Join(documentId, Context.ConnectionId, UserId, Context);
    }

    public void LeaveCuration(int documentId) => relay.Leave(documentId, Context.ConnectionId);

    /// <summary>Takes lane <see cref="AcceptRequest.Lane"/>'s spans in the unit into gold (the lane numbers of
    /// <see cref="GetCuration"/> with the same <see cref="AcceptRequest.Anonymous"/>).</summary>
    public async Task<CurationResultDto> Accept(AcceptRequest request)
    {
        if (request is null) return CurationResultDto.Invalid("The request is empty.");
        await RequireStandingAsync();
        var (state, error) = await curation.LoadAsync(request.DocumentId, UserId, request.Anonymous);
        if (state is null) return CurationResultDto.Refused(error!);
        if (state.Lanes.FirstOrDefault(l => l.Number == request.Lane) is not { } lane)
            return CurationResultDto.Invalid($"There is no lane {request.Lane}: this document has {state.Lanes.Count}.");
        return CurationResultDto.From(await curation.AcceptAsync(request.DocumentId, UserId, lane.AnnotatorId, request.Start, request.End, request.Note));
    }

    public async Task<CurationResultDto> Reject(int documentId, int start, int end, string? note)
    {
        await RequireStandingAsync();
        return CurationResultDto.From(await curation.RejectAsync(documentId, UserId, start, end, note));
    }

    public async Task<CurationResultDto> CreateGold(int documentId, int start, int end, string label, string? note)
    {
        await RequireStandingAsync();
        var labelId = await LabelIdAsync(documentId, label);
        return labelId.Error is { } error ? CurationResultDto.Invalid(error)
            : CurationResultDto.From(await curation.CreateGoldAsync(documentId, UserId, start, end, labelId.Id, note));
    }

    /// <summary>Sets what a gold span says (its count, status...), checked against its label like an annotator's values;
    /// refused whole, with every reason, or as a conflict when it changed since <paramref name="expectedVersion"/>.</summary>
    public async Task<CurationResultDto> SetGoldValues(long goldId, int expectedVersion, Dictionary<string, string?> values)
    {
        await RequireStandingAsync();
        if (values is null) return CurationResultDto.Invalid("Send the values, by attribute name ({} for none).");
        if (await curation.GoldLabelAsync(goldId) is not { } gold)
            return CurationResultDto.From(CurationResult.Stale("The gold span no longer exists; someone removed it."));
        return CurationResultDto.From(await curation.UpdateGoldAsync(goldId, UserId, expectedVersion, gold.LabelId, null, null, gold.Note, values));
    }

    public async Task<CurationResultDto> DeleteGold(long goldId, int expectedVersion)
    {
        await RequireStandingAsync();
        return CurationResultDto.From(await curation.DeleteGoldAsync(goldId, UserId, expectedVersion));
    }

    /// <summary>Proposes gold by <paramref name="rule"/> ("all-agree", "all-who-annotated", "vote:K:T") in the units nobody decided.</summary>
    public async Task<CurationResultDto> Merge(int documentId, string rule)
    {
        await RequireStandingAsync();
        var (parsed, error) = MergeRule.Parse(rule);
        return parsed is null ? CurationResultDto.Invalid(error ?? "Unknown merge rule.") : CurationResultDto.From(await curation.MergeAsync(documentId, UserId, parsed));
    }

    public async Task<CurationResultDto> Finish(int documentId)
    {
        await RequireStandingAsync();
        return CurationResultDto.From(await curation.FinishAsync(documentId, UserId));
    }

    public async Task<CurationResultDto> Reopen(int documentId)
    {
        await RequireStandingAsync();
        return CurationResultDto.From(await curation.ReopenAsync(documentId, UserId));
    }

    /// <summary>Undoes the caller's last curation action on the document (read from the history: it survives reconnects).</summary>
    public async Task<CurationResultDto> Undo(int documentId)
    {
        await RequireStandingAsync();
        return CurationResultDto.From(await curation.UndoAsync(documentId, UserId));
    }

    /// <summary>Reverts the action a history entry belongs to: the caller's own, anyone's for a supervisor.</summary>
    public async Task<CurationResultDto> Revert(long changeId)
    {
        await RequireStandingAsync();
        return CurationResultDto.From(await curation.RevertAsync(changeId, UserId));
    }

    /// <summary>Every change of a gold span (or, with <paramref name="rejection"/>, a rejection), newest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> GetHistory(int documentId, long targetId, bool rejection)
    {
        await RequireStandingAsync();
        return await curation.HistoryAsync(documentId, targetId, UserId, rejection);
    }

    /// <summary>What the hub protocol calls instead of a method whose arguments could not be read (decision 0051): a change
    /// answers <c>invalid</c> with the reason, a read fails with it.</summary>
    public object InvalidArguments(string method, string reason) =>
        method is nameof(GetCuration) or nameof(JoinCuration) or nameof(LeaveCuration) or nameof(GetHistory)
            ? throw new HubException(reason)
            : CurationResultDto.Invalid(reason);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        relay.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    // The account must still be allowed at each call (locked, removed, sessions ended, token revoked: refused and closed).
    private async Task RequireStandingAsync()
    {
        if (Context.User is { } caller && await standing.RefusalAsync(caller, ct: Context.ConnectionAborted) is { } reason)
        {
            relay.Disconnected(Context.ConnectionId);
            Context.Abort();
            throw new HubException(reason);
        }
    }

    private async Task<(int Id, string? Error)> LabelIdAsync(int documentId, string label)
    {
        var (state, error) = await curation.LoadAsync(documentId, UserId);
        return state is null ? (0, error) : await labels.ResolveAsync(state.ProjectId, label, null);
    }
}

public sealed record AcceptRequest(int DocumentId, int Start, int End, int Lane, bool Anonymous = false, string? Note = null);

/// <summary>The outcome of a curation call: <c>ok</c>, <c>conflict</c> (someone changed it first), <c>refused</c> (with the
/// reason) or <c>invalid</c> (the request itself); <see cref="Count"/> what a merge proposed or a bulk action did.</summary>
public sealed record CurationResultDto(bool Ok, string Code, string? Error, int Count)
{
    public static CurationResultDto From(CurationResult r) =>
        new(r.Succeeded, r.Succeeded ? "ok" : r.Conflict ? "conflict" : "refused", r.Error, r.Count);

    public static CurationResultDto Invalid(string error) => new(false, "invalid", error, 0);
    public static CurationResultDto Refused(string error) => new(false, "refused", error, 0);
}

public sealed record LaneSpanDto(long Id, int Start, int End, string Label, string? Note, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>A lane; <see cref="AnnotatorId"/> is null when the view is anonymous.</summary>
public sealed record LaneDto(int Number, string? AnnotatorId, string Name, string? State, IReadOnlyList<LaneSpanDto> Spans);

public sealed record GoldDto(long Id, int Start, int End, string Label, string Origin, string? Rule, string? Curator,
    IReadOnlyList<string> Sources, string? Note, int Version, string Provenance, IReadOnlyDictionary<string, string>? Attributes = null);

public sealed record RejectionDto(long Id, int Start, int End, string Curator, string? Note);

public sealed record UnitDto(int Start, int End, string Kind, bool Decided);

/// <summary>The curation view of a document for programs; offsets in code points, end exclusive.</summary>
public sealed record CurationStateDto(int DocumentId, int ProjectId, string Title, string Status, string? CuratedBy,
    IReadOnlyList<LaneDto> Lanes, IReadOnlyList<GoldDto> Gold, IReadOnlyList<RejectionDto> Rejections, IReadOnlyList<UnitDto> Units)
{
    public static CurationStateDto From(CurationState s) => new(s.DocumentId, s.ProjectId, s.Title, s.Status.ToString().ToLowerInvariant(), s.CuratedBy,
        s.Lanes.Select(l => new LaneDto(l.Number, s.Anonymous ? null : l.AnnotatorId, l.Name, l.State?.ToString(),
            l.Spans.Select(x => new LaneSpanDto(x.Id, x.Start, x.End, x.Label, x.Note, x.Values)).ToList())).ToList(),
        s.Gold.Select(g => new GoldDto(g.Id, g.Start, g.End, g.Label, g.Origin.ToString().ToLowerInvariant(), g.Rule, g.CuratorName,
            s.Anonymous ? [] : g.Sources, g.Note, g.Version, g.Provenance, g.Values)).ToList(),
        s.Rejections.Select(r => new RejectionDto(r.Id, r.Start, r.End, r.CuratorName, r.Note)).ToList(),
        s.Units.Select(u => new UnitDto(u.Unit.Start, u.Unit.End, KindName(u.Unit.Kind), u.Decided)).ToList());

    private static string KindName(UnitKind kind) => kind switch
    {
        UnitKind.Agreement => "agree",
        _ => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString()),
    };
}

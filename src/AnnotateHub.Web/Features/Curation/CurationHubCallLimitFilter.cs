using AnnotateHub.Web.Features.Annotations;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// The curation hub's decisions and gold edits count against the same per-user bucket as the annotation hub's changes
/// (<see cref="HubCallLimiter"/>, decision 0050): a loop of merges or accepts cannot take the writer from everyone else.
/// A refused call answers <c>rate_limited</c> with the reason and changes nothing; reads (the view, history) are not counted.
/// </summary>
public sealed class CurationHubCallLimitFilter(HubCallLimiter limiter) : IHubFilter
{
    private static readonly HashSet<string> Changes = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(CurationHub.Accept), nameof(CurationHub.Reject), nameof(CurationHub.CreateGold), nameof(CurationHub.DeleteGold),
        nameof(CurationHub.Merge), nameof(CurationHub.Finish), nameof(CurationHub.Reopen), nameof(CurationHub.Undo), nameof(CurationHub.Revert),
    };

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        return limiter.Refusal(invocationContext, Changes) is { } refusal
            ? ValueTask.FromResult<object?>(new CurationResultDto(false, "rate_limited", refusal, 0))
            : next(invocationContext);
    }
}

using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Suggestions;

/// <summary>A user accepted or rejected suggestions of a document (committed); that user's open views drop them.
/// Circuits only: programs ask the REST API for what is pending.</summary>
public sealed record SuggestionsDecidedEvent(int DocumentId, string UserId, IReadOnlyList<long> SuggestionIds) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(DocumentId);
}

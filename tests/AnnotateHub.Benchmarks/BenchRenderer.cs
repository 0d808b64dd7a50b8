using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using AnnotateHub.Web.Features.Documents;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace AnnotateHub.Benchmarks;

/// <summary>
/// A Blazor renderer like a circuit's RemoteRenderer minus the transport: it builds and diffs render trees and
/// hands each batch to <see cref="UpdateDisplayAsync"/>, where it only counts what a browser would receive.
/// </summary>
internal sealed class BenchRenderer(IServiceProvider services, ILoggerFactory loggers) : Renderer(services, loggers)
{
    public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

    /// <summary>Components with a non-empty diff in the last batches since <see cref="ResetCounters"/>.</summary>
    public int UpdatedComponents { get; private set; }
    public int Edits { get; private set; }
    /// <summary>Paragraph components rendered (with or without edits) since <see cref="ResetCounters"/>.</summary>
    public int RenderedParagraphs { get; private set; }

    public void ResetCounters() => (UpdatedComponents, Edits, RenderedParagraphs) = (0, 0, 0);

    public async Task<DocumentPage> RenderDocumentPageAsync(int documentId, string userId)
    {
        var host = (PageHost)InstantiateComponent(typeof(PageHost));
        var id = AssignRootComponentId(host);
        var auth = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim(ClaimTypes.Name, "bench")], "bench"))));
        await Dispatcher.InvokeAsync(() => RenderRootComponentAsync(id, ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(PageHost.DocumentId)] = documentId,
            [nameof(PageHost.Auth)] = auth,
        })));
        return host.Page ?? throw new InvalidOperationException("The page did not render.");
    }

    protected override void HandleException(Exception exception) => throw exception;

    protected override Task UpdateDisplayAsync(in RenderBatch batch)
    {
        for (var i = 0; i < batch.UpdatedComponents.Count; i++)
        {
            var diff = batch.UpdatedComponents.Array[i];
            var edits = diff.Edits.Count;
            if (edits > 0) UpdatedComponents++;
            if (GetComponentState(diff.ComponentId).Component is AnnotatedParagraph) RenderedParagraphs++;
            Edits += edits;
        }
        return Task.CompletedTask;
    }

    private sealed class PageHost : ComponentBase
    {
        [Parameter] public int DocumentId { get; set; }
        [Parameter] public Task<AuthenticationState>? Auth { get; set; }
        public DocumentPage? Page { get; private set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenComponent<CascadingValue<Task<AuthenticationState>>>(0);
            builder.AddComponentParameter(1, "Value", Auth);
            builder.AddComponentParameter(2, "ChildContent", (RenderFragment)(child =>
            {
                child.OpenComponent<DocumentPage>(0);
                child.AddComponentParameter(1, nameof(DocumentPage.DocumentId), DocumentId);
                child.AddComponentReferenceCapture(2, r => Page = (DocumentPage)r);
                child.CloseComponent();
            }));
            builder.CloseComponent();
        }
    }
}

/// <summary>Answers every JS call with a default value, as if the browser had done it.</summary>
internal sealed class NullJSRuntime : IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)] TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);

    public ValueTask<TValue> InvokeAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)] TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult(default(TValue)!);
}

internal sealed class BenchNavigationManager : NavigationManager
{
    public BenchNavigationManager() => Initialize("http://127.0.0.1/", "http://127.0.0.1/documents/1");
}

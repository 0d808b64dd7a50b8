namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// Which unit of a curation view is current, and how the keys move it: <c>n</c> and <c>p</c> go to the next or previous
/// unit that still needs a look (a disagreement, or undecided); after a decision the cursor goes to the next undecided
/// unit. A reload (another curator's decision, an undo) keeps the cursor on the same unit, found by its start.
/// </summary>
public sealed class CurationCursor
{
    private IReadOnlyList<UnitView> _units = [];

    /// <summary>The position of the current unit in <see cref="Units"/>, or -1 when there are none.</summary>
    public int Index { get; private set; } = -1;

    public IReadOnlyList<UnitView> Units => _units;

    public UnitView? Current => Index >= 0 && Index < _units.Count ? _units[Index] : null;

    /// <summary>Takes a fresh list of units. The first load starts at the first undecided unit (else the first); later
    /// loads keep the unit the cursor was on, or the nearest one after it. A unit that an undo or a revert made
    /// undecided again becomes current, so the curator sees what came back.</summary>
    public void Load(IReadOnlyList<UnitView> units)
    {
        var before = _units;
        var current = Current;
        _units = units;
        if (units.Count == 0)
        {
            Index = -1;
            return;
        }
        if (current is null)
        {
            Index = FirstIndex(u => !u.Decided) ?? 0;
            return;
        }
        var reopened = units.Select((u, i) => (u, i))
            .FirstOrDefault(p => !p.u.Decided && before.Any(b => b.Decided && b.Unit.Start == p.u.Unit.Start && b.Unit.End == p.u.Unit.End));
        if (reopened.u is not null)
        {
            Index = reopened.i;
            return;
        }
        Index = FirstIndex(u => u.Unit.Start >= current.Unit.Start) ?? units.Count - 1;
    }

    /// <summary>To the next unit that needs a look; false (and the cursor stays) when there is none after it.</summary>
    public bool Next() => MoveTo(FirstIndex(NeedsLook, from: Index + 1));

    /// <summary>To the previous unit that needs a look; false when there is none before it.</summary>
    public bool Previous()
    {
        for (var i = Index - 1; i >= 0; i--)
        {
            if (NeedsLook(_units[i])) return MoveTo(i);
        }
        return false;
    }

    /// <summary>After a decision: to the next undecided unit after the current one, else the first undecided one; the
    /// cursor stays when every unit is decided.</summary>
    public bool AdvanceToUndecided() => MoveTo(FirstIndex(u => !u.Decided, from: Index + 1) ?? FirstIndex(u => !u.Decided));

    /// <summary>Makes the unit at <paramref name="index"/> current (a click on its card).</summary>
    public bool Select(int index) => MoveTo(index >= 0 && index < _units.Count ? index : null);

    private static bool NeedsLook(UnitView u) => u.Unit.IsDisagreement || !u.Decided;

    private bool MoveTo(int? index)
    {
        if (index is not { } i) return false;
        Index = i;
        return true;
    }

    private int? FirstIndex(Func<UnitView, bool> predicate, int from = 0)
    {
        for (var i = Math.Max(0, from); i < _units.Count; i++)
        {
            if (predicate(_units[i])) return i;
        }
        return null;
    }
}

using AnnotateHub.Core.Curation;
using AnnotateHub.Web.Features.Curation;

namespace AnnotateHub.Tests.Web.Curation;

public sealed class CurationCursorTests
{
    // Units at 0, 10, 20, 30: an agreement, and three disagreements; which are decided is given per test.
    private static List<UnitView> Units(params (UnitKind Kind, bool Decided)[] units) =>
        units.Select((u, i) => new UnitView(new CurationUnit(i, i * 10, i * 10 + 5, u.Kind, [], [], []), u.Decided)).ToList();

    [Fact]
    public void The_first_load_starts_at_the_first_undecided_unit()
    {
        var cursor = new CurationCursor();
        cursor.Load(Units((UnitKind.Agreement, true), (UnitKind.Missed, false), (UnitKind.Extra, false)));

        Assert.Equal(1, cursor.Index);
    }

    [Fact]
    public void Next_and_previous_skip_decided_agreements_and_stay_at_the_ends()
    {
        var cursor = new CurationCursor();
        cursor.Load(Units((UnitKind.Missed, false), (UnitKind.Agreement, true), (UnitKind.WrongLabel, true), (UnitKind.Agreement, true)));

        Assert.True(cursor.Next());
        Assert.Equal(2, cursor.Index);
        Assert.False(cursor.Next());
        Assert.Equal(2, cursor.Index);
        Assert.True(cursor.Previous());
        Assert.Equal(0, cursor.Index);
        Assert.False(cursor.Previous());
    }

    [Fact]
    public void After_a_decision_the_cursor_goes_to_the_next_undecided_unit_wrapping_to_the_first()
    {
        var cursor = new CurationCursor();
        cursor.Load(Units((UnitKind.Missed, false), (UnitKind.Extra, true), (UnitKind.Extra, false)));
        cursor.Select(2);
        cursor.Load(Units((UnitKind.Missed, false), (UnitKind.Extra, true), (UnitKind.Extra, true)));

        Assert.True(cursor.AdvanceToUndecided());
        Assert.Equal(0, cursor.Index);
    }

    [Fact]
    public void A_reload_keeps_the_unit_and_an_undone_decision_brings_its_unit_back_as_current()
    {
        var cursor = new CurationCursor();
        cursor.Load(Units((UnitKind.Missed, false), (UnitKind.Extra, true), (UnitKind.Extra, false)));
        cursor.Select(2);
        cursor.Load(Units((UnitKind.Missed, true), (UnitKind.Extra, true), (UnitKind.Extra, false)));
        Assert.Equal(2, cursor.Index);

        cursor.Load(Units((UnitKind.Missed, true), (UnitKind.Extra, false), (UnitKind.Extra, false)));

        Assert.Equal(1, cursor.Index);
    }
}

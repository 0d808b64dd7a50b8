using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>The report as a long CSV table: every figure of the report, nulls empty, text cells safe in a spreadsheet.</summary>
public sealed class AgreementCsvTests
{
    private static AgreementReport Report() => AgreementCalculator.Compute(
    [
        AgreementDocument.FromText("1", "Rockets struck the base on Monday.", ["ana", "=ben"],
            [new AgreementSpan("ana", 0, 7, "claim"), new AgreementSpan("=ben", 0, 7, "claim"), new AgreementSpan("=ben", 19, 23, "+label")]),
    ]);

    private static List<string[]> Rows(string csv) =>
        csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();

    [Fact]
    public void Every_section_of_the_report_has_its_rows_with_the_reports_values()
    {
        var report = Report();

        var csv = AgreementCsv.Write(report, id => id == "1" ? "@title" : null);

        Assert.StartsWith("section,a,b,label,document_id,document_title,metric,value\r\n", csv, StringComparison.Ordinal);
        var rows = Rows(csv);
        string Value(string section, string metric, Func<string[], bool>? where = null) =>
            rows.Single(r => r[0] == section && r[6] == metric && (where?.Invoke(r) ?? true))[7];
        Assert.Equal(report.KrippendorffAlpha.NominalTokens!.Value, double.Parse(Value("project", "krippendorff_alpha_nominal_tokens"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(report.FleissKappa!.Value, double.Parse(Value("project", "fleiss_kappa"), System.Globalization.CultureInfo.InvariantCulture));
        var pair = report.Pairs.Single();
        Assert.Equal(pair.CohenKappa!.Value, double.Parse(Value("pair", "cohen_kappa"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1", Value("label", "spans", r => r[3] == "'+label"));
        Assert.Equal("2", Value("annotator", "spans", r => r[1] == "'=ben"));
        Assert.Equal("7", Value("document", "tokens"));
        Assert.All(rows.Where(r => r[0] == "document"), r => Assert.Equal(("'=ben;ana", "1", "'@title"), (r[1], r[4], r[5])));
    }

    [Fact]
    public void Text_cells_that_a_spreadsheet_would_run_get_an_apostrophe_and_numbers_do_not()
    {
        var csv = AgreementCsv.Write(Report(), _ => "-1+1");

        Assert.Contains(",'=ben,", csv, StringComparison.Ordinal); // the pair's b, the annotator's name
        Assert.Contains(",'+label,", csv, StringComparison.Ordinal);
        Assert.Contains(",'-1+1,", csv, StringComparison.Ordinal); // a title
        Assert.DoesNotContain(",'-0", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("=ben", csv.Replace("'=ben", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_figure_is_an_empty_value()
    {
        var report = AgreementCalculator.Compute([AgreementDocument.FromText("1", "Nothing here.", ["ana"], [])]);

        var rows = Rows(AgreementCsv.Write(report));

        Assert.Equal("", rows.Single(r => r[0] == "project" && r[6] == "cohen_kappa_mean")[7]);
        Assert.Equal("1", rows.Single(r => r[0] == "project" && r[6] == "documents")[7]);
    }
}

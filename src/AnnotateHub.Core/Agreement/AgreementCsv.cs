using System.Globalization;
using System.Text;
using AnnotateHub.Core.Formats;

namespace AnnotateHub.Core.Agreement;

/// <summary>
/// The agreement report as one long ("tidy") CSV table, one figure per row:
/// <c>section,a,b,label,document_id,document_title,metric,value</c>. Sections: <c>project</c>, <c>pair</c> (a, b),
/// <c>label</c>, <c>attribute</c> (label, a the attribute's name; the alpha row's metric names its metric,
/// <c>krippendorff_alpha_interval</c> or <c>krippendorff_alpha_nominal</c>), <c>annotator</c> (a) and <c>document</c>
/// (a lists the document's annotators separated by <c>;</c>).
/// Metric names are the JSON report's keys; an undefined figure has an empty value. Numbers are invariant-culture
/// round-trip; text cells are quoted and guarded against formula injection as in <see cref="CsvSpanWriter"/>.
/// </summary>
public static class AgreementCsv
{
    /// <summary>The column names of the first row, in order.</summary>
    public static readonly string[] Header = ["section", "a", "b", "label", "document_id", "document_title", "metric", "value"];

    /// <summary>The MIME type to serve the file with (UTF-8, with a header row).</summary>
    public const string ContentType = "text/csv; charset=utf-8; header=present";

    /// <summary>The whole file; <paramref name="titleOf"/> gives a document's title (or null) from its report id.</summary>
    public static string Write(AgreementReport report, Func<string, string?>? titleOf = null)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Header)).Append("\r\n");

        void Row(string section, string a, string b, string label, string documentId, string title, string metric, object? value)
        {
            csv.Append(section).Append(',').Append(CsvSpanWriter.Cell(a)).Append(',').Append(CsvSpanWriter.Cell(b)).Append(',')
                .Append(CsvSpanWriter.Cell(label)).Append(',').Append(CsvSpanWriter.Cell(documentId)).Append(',').Append(CsvSpanWriter.Cell(title)).Append(',')
                .Append(metric).Append(',').Append(Number(value)).Append("\r\n");
        }

        void Project(string metric, object? value) => Row("project", "", "", "", "", "", metric, value);
        Project("documents", report.Documents);
        Project("documents_with_two_annotators", report.DocumentsWithTwoAnnotators);
        Project("tokens", report.Tokens);
        Project("krippendorff_alpha_nominal_tokens", report.KrippendorffAlpha.NominalTokens);
        Project("krippendorff_alpha_unitizing", report.KrippendorffAlpha.Unitizing);
        Project("fleiss_kappa", report.FleissKappa);
        Project("cohen_kappa_mean", report.CohenKappaMean);
        Project("gwet_ac1", report.GwetAc1);
        Project("gamma", report.Gamma.Value);
        Project("gamma_documents", report.Gamma.Documents);

        foreach (var p in report.Pairs)
        {
            void Pair(string metric, object? value) => Row("pair", p.A, p.B, "", "", "", metric, value);
            Pair("documents", p.Documents);
            Pair("tokens", p.Tokens);
            Pair("observed_agreement", p.ObservedAgreement);
            Pair("cohen_kappa", p.CohenKappa);
            Pair("gwet_ac1", p.GwetAc1);
            Pair("span_precision_exact", p.SpanPrecisionExact);
            Pair("span_recall_exact", p.SpanRecallExact);
            Pair("span_f1_exact", p.SpanF1Exact);
            Pair("span_precision_overlap", p.SpanPrecisionOverlap);
            Pair("span_recall_overlap", p.SpanRecallOverlap);
            Pair("span_f1_overlap", p.SpanF1Overlap);
        }

        foreach (var (name, l) in report.Labels)
        {
            void Label(string metric, object? value) => Row("label", "", "", name, "", "", metric, value);
            Label("spans", l.Spans);
            Label("nominal_tokens_alpha", l.NominalTokensAlpha);
            Label("unitizing_alpha", l.UnitizingAlpha);
            Label("span_f1_exact", l.SpanF1Exact);
            Label("span_f1_overlap", l.SpanF1Overlap);
        }

        foreach (var t in report.Attributes)
        {
            void Attribute(string metric, object? value) => Row("attribute", t.Attribute, "", t.Label, "", "", metric, value);
            Attribute("units", t.Units);
            Attribute("values", t.Values);
            Attribute("krippendorff_alpha_" + t.Metric, t.Alpha);
            Attribute("observed_disagreement", t.ObservedDisagreement);
            Attribute("expected_disagreement", t.ExpectedDisagreement);
        }

        foreach (var a in report.Annotators)
        {
            void Annotator(string metric, object? value) => Row("annotator", a.Name, "", "", "", "", metric, value);
            Annotator("spans", a.Spans);
            Annotator("documents_done", a.DocumentsDone);
            Annotator("mean_cohen_kappa", a.MeanCohenKappa);
        }

        foreach (var d in report.PerDocument ?? [])
        {
            var annotators = string.Join(';', d.Annotators);
            var title = titleOf?.Invoke(d.Id) ?? "";
            void Document(string metric, object? value) => Row("document", annotators, "", "", d.Id, title, metric, value);
            Document("tokens", d.Tokens);
            Document("annotators", d.Annotators.Count);
            Document("spans", d.Spans);
            Document("krippendorff_alpha_nominal", d.KrippendorffAlphaNominal);
            Document("unitizing_alpha", d.UnitizingAlpha);
            Document("fleiss_kappa", d.FleissKappa);
            Document("cohen_kappa_mean", d.CohenKappaMean);
            Document("gamma", d.Gamma);
        }
        return csv.ToString();
    }

    private static string Number(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"Not a number: {value}", nameof(value)),
    };
}

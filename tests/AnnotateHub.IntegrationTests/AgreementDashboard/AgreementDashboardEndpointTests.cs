using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Authorization;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Agreement;

namespace AnnotateHub.IntegrationTests.AgreementDashboard;

/// <summary>The dashboard's downloads through the real server: agreement.csv holds the JSON report's figures, agreement.svg
/// the heat map with names and values; both answer annotators and outsiders as the JSON report does.</summary>
public sealed class AgreementDashboardEndpointTests(BlindProjectFixture fixture) : IClassFixture<BlindProjectFixture>
{
    private async Task<HttpClient> AdminAsync()
    {
        var client = fixture.Server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await fixture.Server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        return client;
    }

    private static double? Number(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetDouble();

    private static double? Parse(string cell) => cell.Length == 0 ? null : double.Parse(cell, CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_csv_holds_the_figures_of_the_json_report()
    {
        var project = await AgreementDashboardProject.ImportAsync(fixture.Server);
        using var admin = await AdminAsync();

        using var json = JsonDocument.Parse(await admin.GetStringAsync($"/api/projects/{project.ProjectId}/agreement"));
        using var response = await admin.GetAsync($"/api/projects/{project.ProjectId}/agreement.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"agreement-project-{project.ProjectId}.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var text = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF');
        // No cell here needs quoting (no commas in names, titles or labels), so a split is a parse.
        var rows = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        double? Cell(string section, string metric, Func<string[], bool> where) => Parse(rows.Single(r => r[0] == section && r[6] == metric && where(r))[7]);
        var root = json.RootElement;

        Assert.Equal(Number(root.GetProperty("krippendorff_alpha").GetProperty("unitizing")), Cell("project", "krippendorff_alpha_unitizing", _ => true));
        Assert.Equal(Number(root.GetProperty("gamma").GetProperty("value")), Cell("project", "gamma", _ => true));
        Assert.Equal(3, root.GetProperty("pairs").GetArrayLength());
        foreach (var pair in root.GetProperty("pairs").EnumerateArray())
        {
            var (a, b) = (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString());
            foreach (var metric in new[] { "cohen_kappa", "gwet_ac1", "span_f1_exact", "span_f1_overlap", "tokens" })
                Assert.Equal(Number(pair.GetProperty(metric)), Cell("pair", metric, r => r[1] == a && r[2] == b));
        }
        foreach (var label in root.GetProperty("labels").EnumerateObject())
        {
            foreach (var metric in new[] { "spans", "nominal_tokens_alpha", "unitizing_alpha", "span_f1_overlap" })
                Assert.Equal(Number(label.Value.GetProperty(metric)), Cell("label", metric, r => r[3] == label.Name));
        }
        foreach (var annotator in root.GetProperty("annotators").EnumerateArray())
        {
            var name = annotator.GetProperty("name").GetString();
            Assert.Equal(Number(annotator.GetProperty("mean_cohen_kappa")), Cell("annotator", "mean_cohen_kappa", r => r[1] == name));
            Assert.Equal(Number(annotator.GetProperty("spans")), Cell("annotator", "spans", r => r[1] == name));
        }
        var documents = root.GetProperty("per_document").EnumerateArray().ToList();
        Assert.Equal(2, documents.Count);
        foreach (var d in documents)
        {
            var id = d.GetProperty("id").GetString();
            Assert.Equal(Number(d.GetProperty("krippendorff_alpha_nominal")), Cell("document", "krippendorff_alpha_nominal", r => r[4] == id));
            Assert.Equal(Number(d.GetProperty("gamma")), Cell("document", "gamma", r => r[4] == id));
        }
        Assert.Contains(rows, r => r[0] == "document" && r[5] == AgreementDashboardProject.OneTitle);
    }

    [Fact]
    public async Task The_report_measures_what_the_spans_say_with_the_labels_definitions()
    {
        var project = await AgreementDashboardProject.ImportAsync(fixture.Server);
        await project.GiveValuesAsync(fixture.Server);
        using var admin = await AdminAsync();

        using var json = JsonDocument.Parse(await admin.GetStringAsync($"/api/projects/{project.ProjectId}/agreement?documents=false"));
        var rows = json.RootElement.GetProperty("attributes").EnumerateArray().ToList();

        // Every defined attribute of the imported labels, in definition order: casualty figure's four, then claim's two.
        Assert.Equal(["casualty figure/count/number/interval", "casualty figure/status/choice/nominal", "casualty figure/who/text/nominal",
                "casualty figure/qualifier/choice/nominal", "claim/stance/choice/nominal", "claim/source/text/nominal"],
            rows.Select(r => $"{r.GetProperty("label").GetString()}/{r.GetProperty("attribute").GetString()}/{r.GetProperty("kind").GetString()}/{r.GetProperty("metric").GetString()}"));
        var count = rows[0];
        Assert.Equal((2, 5), (count.GetProperty("units").GetInt32(), count.GetProperty("values").GetInt32()));
        Assert.Equal(189.0 / 197, count.GetProperty("alpha").GetDouble(), 1e-9); // by hand in GiveValuesAsync
        Assert.Equal(1.6, count.GetProperty("observed_disagreement").GetDouble(), 1e-9);
        var status = rows[1];
        Assert.Equal((2, 5), (status.GetProperty("units").GetInt32(), status.GetProperty("values").GetInt32()));
        Assert.Equal(0.0, status.GetProperty("alpha").GetDouble(), 1e-9);
        Assert.All(rows.Skip(2), r => Assert.Equal((0, JsonValueKind.Null), (r.GetProperty("units").GetInt32(), r.GetProperty("alpha").ValueKind)));

        var csv = (await admin.GetStringAsync($"/api/projects/{project.ProjectId}/agreement.csv")).TrimStart('\uFEFF').Split("\r\n");
        var alpha = csv.Single(l => l.StartsWith("attribute,count,,casualty figure,,,krippendorff_alpha_interval,", StringComparison.Ordinal));
        Assert.Equal(189.0 / 197, double.Parse(alpha.Split(',')[7], CultureInfo.InvariantCulture), 1e-9);
    }

    [Fact]
    public async Task The_svg_is_an_image_with_every_annotator_and_each_pairs_kappa()
    {
        var project = await AgreementDashboardProject.ImportAsync(fixture.Server);
        using var admin = await AdminAsync();

        using var json = JsonDocument.Parse(await admin.GetStringAsync($"/api/projects/{project.ProjectId}/agreement?documents=false"));
        using var response = await admin.GetAsync($"/api/projects/{project.ProjectId}/agreement.svg");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = await response.Content.ReadAsStringAsync();
        var document = XDocument.Parse(svg); // well-formed XML, as an image must be
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        Assert.Empty(document.Descendants(ns + "script"));
        var texts = document.Descendants(ns + "text").Select(t => t.Value).ToList();
        foreach (var name in new[] { project.Ana, project.Ben, project.Cy }) Assert.Contains(name, texts);
        Assert.Contains("Inter-annotator agreement: " + project.Name, texts);
        foreach (var pair in json.RootElement.GetProperty("pairs").EnumerateArray())
        {
            var kappa = AgreementScale.Format(Number(pair.GetProperty("cohen_kappa")));
            Assert.NotEqual("—", kappa);
            Assert.True(texts.Count(t => t == kappa) >= 2, $"{kappa} twice in the symmetric grid"); // twice: the grid is symmetric
        }
        foreach (var label in json.RootElement.GetProperty("labels").EnumerateObject()) Assert.Contains(label.Name, texts);
    }

    [Theory]
    [InlineData("agreement.csv")]
    [InlineData("agreement.svg")]
    public async Task Annotators_are_refused_and_outsiders_and_strangers_see_no_project(string file)
    {
        var team = await fixture.NewProjectAsync(ProjectMode.Blind);
        using var supervisor = await fixture.ClientAsync(team.Sup);
        using var annotator = await fixture.ClientAsync(team.Ana);
        using var outsider = await fixture.ClientAsync(team.Out);
        using var anonymous = fixture.Server.CreateHttpClient(allowAutoRedirect: false);
        var path = $"/api/projects/{team.ProjectId}/{file}";

        using var allowed = await supervisor.GetAsync(path);
        using var refused = await annotator.GetAsync(path);
        using var missing = await outsider.GetAsync(path);
        using var unknown = await anonymous.GetAsync(path);
        using var noProject = await supervisor.GetAsync($"/api/projects/{int.MaxValue}/{file}");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only the project's supervisors can see its agreement.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noProject.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.DoesNotContain(await fixture.UserNameAsync(team.Ana), await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

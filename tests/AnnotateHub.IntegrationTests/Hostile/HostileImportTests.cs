using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Hostile;

/// <summary>
/// Hostile files posted to the REST import (a page nested 200,000 levels deep, a zip bomb, a zip entry that lies about
/// its size) are refused with their reason, while another user's creates, sent during the import, are answered.
/// Latencies are printed, not asserted.
/// </summary>
public sealed class HostileImportTests(AppServer server, ITestOutputHelper output) : IClassFixture<AppServer>
{
    private const string Text = "Officials said at least ten US soldiers were injured at the base on Monday.";

    public static TheoryData<string> Files => ["deep.html", "deep-stray-end-tags.html", "bomb.zip", "lying.zip", "lying-1gb.zip"];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_hostile_file_is_refused_with_its_reason_while_another_user_s_creates_are_answered(string name)
    {
        var projectId = await server.CreateProjectAsync("hostile import " + Guid.NewGuid().ToString("N")[..8]);
        var documentId = await server.ImportDocumentAsync(projectId, Text);
        var otherId = await server.CreateUserAsync("other-" + Guid.NewGuid().ToString("N")[..8]);
        await server.AddMemberAsync(otherId, projectId);
        using var importer = await ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var other = await ClientAsync(await UserNameAsync(otherId), AppServer.AnnotatorPassword);
        var file = Build(name);
        var documentsBefore = await DocumentsAsync(projectId);

        var clock = Stopwatch.StartNew();
        var import = importer.PostAsync($"/api/projects/{projectId}/import?name={name}", new ByteArrayContent(file));
        var latencies = new List<double>();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20 && (i < 5 || !import.IsCompleted); i++)
        {
            var sent = Stopwatch.StartNew();
            using var created = await other.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(i % 60, i % 60 + 5, "claim", null, null));
            latencies.Add(sent.Elapsed.TotalMilliseconds);
            statuses.Add(created.StatusCode);
        }
        using var response = await import;
        var importMs = clock.Elapsed.TotalMilliseconds;
        var body = await response.Content.ReadAsStringAsync();

        output.WriteLine($"{name}: {file.Length / 1024} KB, import answered {(int)response.StatusCode} after {importMs:0} ms; " +
            $"{latencies.Count} creates by another user, median {Median(latencies):0} ms, max {latencies.Max():0} ms");
        output.WriteLine(body.Length > 600 ? body[..600] + "..." : body);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.False(json.RootElement.GetProperty("succeeded").GetBoolean());
        var messages = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.StartsWith(ExpectedReason(name), m, StringComparison.Ordinal));
        Assert.Equal(documentsBefore, await DocumentsAsync(projectId));
    }

    private static string ExpectedReason(string name) => name switch
    {
        "deep.html" or "deep-stray-end-tags.html" => "the HTML nests elements more than 512 levels deep",
        "bomb.zip" => "the zip's files expand to more than 1 GB",
        _ => "cannot be read from the zip (its content does not match its checksum",
    };

    private static byte[] Build(string name) => name switch
    {
        // 200,000 levels, about 2.2 MB, as the outside tester sent it.
        "deep.html" => Encoding.UTF8.GetBytes("<html><body>" + string.Concat(Enumerable.Repeat("<div id=x>", 200_000)) + "deep" + string.Concat(Enumerable.Repeat("</div>", 20_000))),
        // End tags the parser ignores (no <i> is open) between the levels: as deep for the parser, so as deep for the check.
        "deep-stray-end-tags.html" => Encoding.UTF8.GetBytes("<html><body>" + string.Concat(Enumerable.Repeat("<div></i>", 200_000)) + "deep"),
        // 150 entries of 8 MB of repeated text: 1.2 GB declared, past Import:MaxZipExpandedBytes.
        "bomb.zip" => Zip(150, 8 << 20),
        // The same entries declaring 100 bytes each: the runtime stops at 100, the CRC-32 says the entry holds more.
        "lying.zip" => DeclareSize(Zip(150, 8 << 20), 100),
        // One entry that declares 100 bytes and inflates to 1 GB.
        _ => DeclareSize(Zip(1, 1 << 30), 100),
    };

    private static byte[] Zip(int entries, int bytesEach)
    {
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Rockets hit the base at dawn. ", 8192)));
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < entries; i++)
            {
                using var entry = archive.CreateEntry($"article-{i:000}.txt", CompressionLevel.SmallestSize).Open();
                for (long written = 0; written < bytesEach; written += chunk.Length) entry.Write(chunk, 0, (int)Math.Min(chunk.Length, bytesEach - written));
            }
        }
        return zip.ToArray();
    }

    private static byte[] DeclareSize(byte[] zip, uint declared)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), declared); // local header
            if (signature == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), declared); // central directory
        }
        return zip;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private async Task<HttpClient> ClientAsync(string userName, string password)
    {
        var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(userName, password));
        // The app's own origin, as its pages send it: cookie requests that change something need it (decision 0045).
        client.DefaultRequestHeaders.Add("Origin", server.Origin);
        return client;
    }

    private async Task<string> UserNameAsync(string userId)
    {
        await using var db = server.CreateDbContext();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.UserName!).SingleAsync();
    }

    private async Task<int> DocumentsAsync(int projectId)
    {
        await using var db = server.CreateDbContext();
        return await db.Documents.CountAsync(d => d.ProjectId == projectId);
    }
}

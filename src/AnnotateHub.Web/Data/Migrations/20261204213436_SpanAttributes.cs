using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AnnotateHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SpanAttributes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "Suggestions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "Labels",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "Annotations",
                type: "TEXT",
                maxLength: 16000,
                nullable: true);

            // The default labels of projects made before attributes existed get the defaults new projects get (issue 19).
            foreach (var (name, definitions) in AnnotateHub.Core.Labels.AttributeRules.Defaults)
            {
                var json = AnnotateHub.Core.Labels.AttributeJson.Definitions(definitions)!.Replace("'", "''");
                migrationBuilder.Sql($"UPDATE \"Labels\" SET \"Attributes\" = '{json}' WHERE \"Name\" = '{name.Replace("'", "''")}' AND \"Attributes\" IS NULL");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "Suggestions");

            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "Labels");

            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "Annotations");
        }
    }
}

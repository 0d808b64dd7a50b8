using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AnnotateHub.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DocumentLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DocumentAttributes",
                table: "Projects",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DocumentLabels",
                columns: table => new
                {
                    DocumentId = table.Column<int>(type: "integer", nullable: false),
                    AnnotatorId = table.Column<string>(type: "text", nullable: false),
                    Values = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp without time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DocumentLabels", x => new { x.DocumentId, x.AnnotatorId });
                    table.ForeignKey(
                        name: "FK_DocumentLabels_AspNetUsers_AnnotatorId",
                        column: x => x.AnnotatorId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DocumentLabels_Documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DocumentLabels_AnnotatorId",
                table: "DocumentLabels",
                column: "AnnotatorId");

            // Projects with the default labels (the demo project among them) ask what new projects ask about a document.
            var json = AnnotateHub.Core.Labels.AttributeJson.Definitions(AnnotateHub.Core.Labels.AttributeRules.DocumentDefaults)!.Replace("'", "''");
            migrationBuilder.Sql($"UPDATE \"Projects\" SET \"DocumentAttributes\" = '{json}' WHERE \"DocumentAttributes\" IS NULL AND EXISTS (SELECT 1 FROM \"Labels\" WHERE \"Labels\".\"ProjectId\" = \"Projects\".\"Id\" AND \"Labels\".\"Name\" = 'casualty figure')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DocumentLabels");

            migrationBuilder.DropColumn(
                name: "DocumentAttributes",
                table: "Projects");
        }
    }
}

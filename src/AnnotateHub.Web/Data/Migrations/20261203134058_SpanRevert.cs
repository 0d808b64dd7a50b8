using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AnnotateHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class SpanRevert : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RevertsSequence",
                table: "DocumentChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DocumentChanges_AnnotationId",
                table: "DocumentChanges",
                column: "AnnotationId");

            migrationBuilder.CreateIndex(
                name: "IX_DocumentChanges_DocumentId_RevertsSequence",
                table: "DocumentChanges",
                columns: new[] { "DocumentId", "RevertsSequence" },
                filter: "\"RevertsSequence\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DocumentChanges_AnnotationId",
                table: "DocumentChanges");

            migrationBuilder.DropIndex(
                name: "IX_DocumentChanges_DocumentId_RevertsSequence",
                table: "DocumentChanges");

            migrationBuilder.DropColumn(
                name: "RevertsSequence",
                table: "DocumentChanges");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AnnotateHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DocumentTitleKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TitleKey",
                table: "Documents",
                type: "TEXT",
                maxLength: 600,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Documents_ProjectId_TitleKey_Id",
                table: "Documents",
                columns: new[] { "ProjectId", "TitleKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Documents_TitleKey_Missing",
                table: "Documents",
                column: "TitleKey",
                filter: "\"TitleKey\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Documents_ProjectId_TitleKey_Id",
                table: "Documents");

            migrationBuilder.DropIndex(
                name: "IX_Documents_TitleKey_Missing",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "TitleKey",
                table: "Documents");
        }
    }
}

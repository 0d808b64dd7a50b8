using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AnnotateHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Curation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CuratorId",
                table: "GoldAnnotations",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "GoldAnnotations",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Origin",
                table: "GoldAnnotations",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Imported");

            migrationBuilder.AddColumn<string>(
                name: "Rule",
                table: "GoldAnnotations",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sources",
                table: "GoldAnnotations",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UpdatedAt",
                table: "GoldAnnotations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "GoldAnnotations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTime>(
                name: "CuratedAt",
                table: "Documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CuratedById",
                table: "Documents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "CurationChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DocumentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TargetId = table.Column<long>(type: "INTEGER", nullable: true),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true),
                    RevertedById = table.Column<long>(type: "INTEGER", nullable: true),
                    RevertsId = table.Column<long>(type: "INTEGER", nullable: true),
                    ActionId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CurationChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CurationChanges_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CurationChanges_Documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GoldRejections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DocumentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Start = table.Column<int>(type: "INTEGER", nullable: false),
                    End = table.Column<int>(type: "INTEGER", nullable: false),
                    CuratorId = table.Column<string>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GoldRejections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GoldRejections_AspNetUsers_CuratorId",
                        column: x => x.CuratorId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_GoldRejections_Documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CurationChanges_ActionId",
                table: "CurationChanges",
                column: "ActionId");

            migrationBuilder.CreateIndex(
                name: "IX_CurationChanges_DocumentId_Id",
                table: "CurationChanges",
                columns: new[] { "DocumentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CurationChanges_DocumentId_TargetId",
                table: "CurationChanges",
                columns: new[] { "DocumentId", "TargetId" });

            migrationBuilder.CreateIndex(
                name: "IX_CurationChanges_UserId_Id",
                table: "CurationChanges",
                columns: new[] { "UserId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_GoldRejections_CuratorId",
                table: "GoldRejections",
                column: "CuratorId");

            migrationBuilder.CreateIndex(
                name: "IX_GoldRejections_DocumentId_Start",
                table: "GoldRejections",
                columns: new[] { "DocumentId", "Start" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CurationChanges");

            migrationBuilder.DropTable(
                name: "GoldRejections");

            migrationBuilder.DropColumn(
                name: "CuratorId",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "Note",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "Origin",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "Rule",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "Sources",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "GoldAnnotations");

            migrationBuilder.DropColumn(
                name: "CuratedAt",
                table: "Documents");

            migrationBuilder.DropColumn(
                name: "CuratedById",
                table: "Documents");
        }
    }
}

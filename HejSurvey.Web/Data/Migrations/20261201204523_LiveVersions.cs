using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HejSurvey.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LiveVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LiveVersions",
                columns: table => new
                {
                    RoundId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Responses = table.Column<int>(type: "INTEGER", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Tallies = table.Column<string>(type: "TEXT", nullable: false),
                    Hidden = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LiveVersions", x => new { x.RoundId, x.Number });
                    table.ForeignKey(
                        name: "FK_LiveVersions_Rounds_RoundId",
                        column: x => x.RoundId,
                        principalTable: "Rounds",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LiveVersions");
        }
    }
}

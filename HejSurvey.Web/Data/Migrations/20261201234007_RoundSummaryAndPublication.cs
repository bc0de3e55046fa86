using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HejSurvey.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class RoundSummaryAndPublication : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "PublishedAt",
                table: "Rounds",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SummaryEn",
                table: "Rounds",
                type: "TEXT",
                maxLength: 600,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SummarySv",
                table: "Rounds",
                type: "TEXT",
                maxLength: 600,
                nullable: true);

            // Rounds published before the date was stored: their figures became public at the close at the earliest,
            // so the close stands for the publication (the opening for live results of a round still open).
            migrationBuilder.Sql("UPDATE Rounds SET PublishedAt = COALESCE(ClosedAt, OpenedAt) WHERE IsPublished = 1;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PublishedAt",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "SummaryEn",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "SummarySv",
                table: "Rounds");
        }
    }
}

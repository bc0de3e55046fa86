using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HejSurvey.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class RoundOpeningAndTarget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "OpensAt",
                table: "Rounds",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ResponseTarget",
                table: "Rounds",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OpensAt",
                table: "Rounds");

            migrationBuilder.DropColumn(
                name: "ResponseTarget",
                table: "Rounds");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HejSurvey.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class QuestionnaireVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "BasedOnVersion",
                table: "Questionnaires",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FinalizedAt",
                table: "Questionnaires",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsFinal",
                table: "Questionnaires",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Every version stored before drafts existed was a shipped file that rounds could already use.
            migrationBuilder.Sql("UPDATE \"Questionnaires\" SET \"IsFinal\" = 1, \"FinalizedAt\" = \"CreatedAt\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BasedOnVersion",
                table: "Questionnaires");

            migrationBuilder.DropColumn(
                name: "FinalizedAt",
                table: "Questionnaires");

            migrationBuilder.DropColumn(
                name: "IsFinal",
                table: "Questionnaires");
        }
    }
}

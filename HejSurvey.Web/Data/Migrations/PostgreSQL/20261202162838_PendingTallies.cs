using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HejSurvey.Web.Data.Migrations.PostgreSQL
{
    /// <inheritdoc />
    public partial class PendingTallies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PendingTallies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Rounds = table.Column<int[]>(type: "integer[]", nullable: false),
                    Groups = table.Column<string[]>(type: "text[]", nullable: false),
                    Questions = table.Column<string[]>(type: "text[]", nullable: false),
                    Values = table.Column<int[]>(type: "integer[]", nullable: false),
                    Counts = table.Column<long[]>(type: "bigint[]", nullable: false),
                    ThemeRounds = table.Column<int[]>(type: "integer[]", nullable: false),
                    ThemeGroups = table.Column<string[]>(type: "text[]", nullable: false),
                    Themes = table.Column<string[]>(type: "text[]", nullable: false),
                    ThemeN = table.Column<long[]>(type: "bigint[]", nullable: false),
                    ThemeSums = table.Column<double[]>(type: "double precision[]", nullable: false),
                    ThemeSquares = table.Column<double[]>(type: "double precision[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingTallies", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PendingTallies");
        }
    }
}

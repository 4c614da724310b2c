//! Snapshot tests of the C# lowering.

use rampart_core::Language;
use rampart_syntax::SourceFile;

fn lower_at(path: &str, code: &str) -> String {
    let file = SourceFile::from_text(path, Language::CSharp, code);
    let parsed = rampart_syntax::parse(Language::CSharp, code).expect("parses");
    let module = rampart_ir::lower(&file, &parsed.tree).expect("lowers");
    rampart_ir::print::module_to_string(&module)
}

fn lower(code: &str) -> String {
    lower_at("src/Api/Controllers/Case.cs", code)
}

#[test]
fn controller_with_attributes_ado_net_and_logging() {
    insta::assert_snapshot!(lower(
        r#"using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.SqlClient;

namespace Acme.Api.Controllers;

[ApiController]
[Route("api/[controller]")]
public class UsersController : ControllerBase
{
    private const string Table = "Users";
    private readonly ILogger<UsersController> _logger;
    private readonly string _connectionString;

    public UsersController(ILogger<UsersController> logger, IConfiguration config)
    {
        _logger = logger;
        _connectionString = config.GetConnectionString("Default")!;
    }

    [HttpGet("search")]
    public async Task<IActionResult> Search([FromQuery] string name, [FromQuery(Name = "page")] int page = 1)
    {
        _logger.LogInformation("Searching users named {Name}", name);
        _logger.LogWarning($"Search for {name}");
        using var conn = new SqlConnection(_connectionString);
        await conn.OpenAsync();
        var sql = $"SELECT Id, Name FROM {Table} WHERE Name = '{name}'";
        using var cmd = new SqlCommand(sql, conn);
        var results = new List<string>();
        using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                results.Add(reader.GetString(1));
            }
        }
        return Ok(results);
    }

    [HttpGet("{id:int}")]
    [Authorize(Roles = "Admin")]
    public IActionResult Get(int id)
    {
        var html = "<h1>User " + id + "</h1>";
        if (id <= 0 || !ModelState.IsValid)
        {
            return BadRequest();
        }
        var q = Request.Query["q"];
        var filter = "";
        filter += q;
        return Content(html + filter, "text/html");
    }
}
"#
    ));
}

#[test]
fn minimal_api_top_level_statements() {
    insta::assert_snapshot!(lower_at(
        "Program.cs",
        r#"using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddScoped<ITodoService, TodoService>();
var app = builder.Build();
var uploads = Path.Combine(app.Environment.ContentRootPath, "uploads");

app.MapGet("/hello", ([FromQuery] string name) => Results.Content($"<p>Hello {name}</p>", "text/html"));

app.MapGet("/files/{name}", (string name) =>
{
    var full = Path.Combine(uploads, name);
    return Results.File(File.OpenRead(full), "application/octet-stream");
});

app.MapPost("/run", async (HttpRequest request) =>
{
    var body = await new StreamReader(request.Body).ReadToEndAsync();
    Process.Start("sh", "-c " + body);
    return Results.Ok();
});

app.MapGet("/todos/{id}", GetTodo);

app.Run();

static IResult GetTodo(int id, ITodoService service) => Results.Ok(service.Find(id));

public record Todo(int Id, string Title, bool Done = false);

public partial class Program { }
"#
    ));
}

#[test]
fn service_with_properties_records_async_and_linq() {
    insta::assert_snapshot!(lower_at(
        "src/Services/ReportService.cs",
        r#"using System.Text;
using Acme.Data;

namespace Acme.Services
{
    public interface IReportService
    {
        Task<string> BuildAsync(string title, IEnumerable<Order> orders);
    }

    public sealed class ReportService(AppDbContext db) : IReportService
    {
        public static readonly int MaxRows = 100;
        public string Prefix { get; set; } = "report-";
        private string _name = "";
        public string Name
        {
            get { return _name; }
            set { _name = value.Trim(); }
        }
        public string FileName => Prefix + Name + ".txt";

        public async Task<string> BuildAsync(string title, IEnumerable<Order> orders)
        {
            StringBuilder sb = new();
            sb.Append(title);
            var big = from o in orders where o.Total > 100 orderby o.Total select o.Customer;
            var names = orders.Where(o => o.Total > 0).Select(o => o.Customer?.Trim() ?? "anonymous").ToList();
            foreach (var (customer, index) in names.Select((n, i) => (n, i)))
            {
                sb.AppendLine($"{index}: {customer,-20}");
            }
            var user = await db.Users.FirstOrDefaultAsync(u => u.Name == title);
            var label = user?.DisplayName ?? Name;
            string.Join(",", big);
            return sb.ToString() + label;
        }

        public static IEnumerable<string> Lines(string text)
        {
            if (text.Length == 0)
            {
                yield break;
            }
            foreach (var line in text.Split('\n'))
            {
                yield return line.Trim();
            }
        }

        private static int Count(string s)
        {
            if (int.TryParse(s, out var n) && n < MaxRows)
            {
                return n;
            }
            return Helper(s) ? 1 : 0;

            bool Helper(string x) => x.Length > 3;
        }
    }

    public record Order(string Customer, decimal Total);
}
"#
    ));
}

#[test]
fn switch_statements_expressions_patterns_and_exceptions() {
    insta::assert_snapshot!(lower(
        r#"namespace Acme.Api;

public enum Sort { Asc, Desc }

public static class QueryBuilder
{
    public static string OrderBy(string column, Sort sort)
    {
        var dir = sort switch
        {
            Sort.Asc => "ASC",
            Sort.Desc => "DESC",
            _ => throw new ArgumentOutOfRangeException(nameof(sort)),
        };
        string col;
        switch (column)
        {
            case "name":
            case "email":
                col = column;
                break;
            default:
                col = "id";
                break;
        }
        return "ORDER BY " + col + " " + dir;
    }

    public static object Describe(object value)
    {
        if (value is string s && s.Length > 0)
        {
            return s;
        }
        if (value is [var first, .., "end"])
        {
            return first;
        }
        try
        {
            return value switch
            {
                int n when n > 10 => "big",
                int => "small",
                null => "none",
                _ => value.ToString() ?? "",
            };
        }
        catch (FormatException ex) when (ex.Message != null)
        {
            return ex.Message;
        }
        catch (Exception)
        {
            throw;
        }
        finally
        {
            Console.WriteLine("done");
        }
    }
}
"#
    ));
}

#[test]
fn malformed_input_lowers_without_panicking() {
    let out = lower(
        r#"namespace Broken;
public class C : {
    public void M(string s { var x = $"{s" + ; if (s is) { } d?["x"]; s!.Length;
    void N() => 
"#,
    );
    assert!(out.contains("module Broken"));
}

#[test]
fn deeply_nested_expressions_are_bounded() {
    let mut expr = String::from("x");
    for _ in 0..3000 {
        expr = format!("({expr} + \"a\")");
    }
    let code = format!("class C {{ string M(string x) => {expr}; }}");
    let out = lower(&code);
    assert!(out.contains("fn#1 C.M"));
}

#[test]
fn razor_page_primary_constructor_controller_and_endpoint_extensions() {
    insta::assert_snapshot!(lower_at(
        "src/Web/Pages/Search.cshtml.cs",
        r#"using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Acme.Web.Pages
{
    public class SearchModel(ICatalog catalog) : PageModel
    {
        [BindProperty(SupportsGet = true)]
        public string? Query { get; set; }

        public IList<string> Results { get; private set; } = new List<string>();

        public async Task OnGetAsync(string? category)
        {
            var term = Query ?? Request.Query["q"].ToString();
            Results = await catalog.FindAsync(term, category ?? "all");
            ViewData["Title"] = $"Results for {term}";
        }
    }

    [Route("files")]
    public class FilesController(ILogger<FilesController> logger) : Controller
    {
        public IActionResult Index(string name)
        {
            logger.LogInformation("Opening {Name}", name);
            var path = System.IO.Path.Combine("/srv/files", name);
            return PhysicalFile(path, "text/plain");
        }
    }

    public static class CatalogEndpoints
    {
        public static RouteGroupBuilder MapCatalog(this IEndpointRouteBuilder app)
        {
            var group = app.MapGroup("/catalog");
            group.MapGet("/{id:guid}", (Guid id, [FromServices] ICatalog catalog) => catalog.Get(id));
            group.MapPost("/", Create);
            return group;
        }

        private static IResult Create(Item item, ICatalog catalog)
        {
            catalog.Add(item with { Name = item.Name.Trim() });
            return Results.Created($"/catalog/{item.Id}", item);
        }
    }
}
"#
    ));
}

#[test]
fn members_inherited_through_a_project_base_controller() {
    insta::assert_snapshot!(lower(
        r#"namespace Acme.Api.Controllers;

public class AccountController : BaseApiController
{
    public IActionResult Login(string returnUrl)
    {
        var ip = HttpContext.Connection.RemoteIpAddress;
        Audit(Request.Headers["User-Agent"]);
        return Redirect(returnUrl);
    }
}
"#
    ));
}

#[test]
fn preprocessor_blocks_keep_every_branch() {
    insta::assert_snapshot!(lower(
        r#"namespace Acme.Api;

public class DiagnosticsController : ControllerBase
{
    #region Fields
    private readonly string _root = "/srv";
    #endregion

#if DEBUG
    [HttpGet("debug")]
    public IActionResult Debug(string q) => Content(q);
#else
    public IActionResult Release() => Ok();
#endif

    private void Trace(string message)
    {
#if DEBUG
        Console.WriteLine(_root + message);
#endif
    }
}
"#
    ));
}

#[test]
fn string_literals_interpolation_and_conversions() {
    insta::assert_snapshot!(lower(
        r#"using static System.Math;
using IO = System.IO;

namespace Acme.Text;

public static class Strings
{
    private const string Prefix = "user-" + "data";

    public static string Build(string name, object count, string raw)
    {
        var path = @"C:\data\" + name;
        var json = """{"name": "x"}""";
        var greeting = $@"Hello ""{name}"" from {Prefix}";
        var tab = "a\tb\u0041" + '\n';
        var total = string.Format("{0}: {1}", name, count) + String.Concat(name, "!");
        var id = int.Parse(raw) + (long)count + Convert.ToInt32(raw);
        var guid = Guid.TryParse(raw, out var parsed) ? parsed.ToString() : nameof(raw);
        var when = DateTime.Parse(raw);
        var file = IO.File.ReadAllText(path);
        return Max(id, 3) + total + greeting + json + tab + file;
    }
}
"#
    ));
}

#[test]
fn long_else_if_chains_and_constant_chains_are_bounded() {
    let mut chain = String::from("if (x == 0) { y = 0; }");
    for i in 1..3000 {
        chain.push_str(&format!(" else if (x == {i}) {{ y = {i}; }}"));
    }
    let mut konst = String::from("\"a\"");
    for _ in 0..3000 {
        konst = format!("({konst} + \"b\")");
    }
    let code = format!(
        "class C {{ const string K = {konst}; [Route({konst})] int M(int x) {{ int y = 0; {chain} return y; }} }}"
    );
    let out = lower(&code);
    assert!(out.contains("fn#1 C.M"));
}

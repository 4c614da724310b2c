//! Name tables: C# keyword types, well-known library types and the members controllers and
//! pages inherit from their framework base classes.

/// C# keyword types and their CLR aliases, spelled as the keywords (`int` carries no injection
/// taint; `string` stays a plain name so string parameters are input).
pub fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "string" | "String" => "string",
        "int" | "Int32" => "int",
        "long" | "Int64" => "long",
        "short" | "Int16" => "short",
        "byte" | "Byte" => "byte",
        "sbyte" | "SByte" => "sbyte",
        "uint" | "UInt32" => "uint",
        "ulong" | "UInt64" => "ulong",
        "ushort" | "UInt16" => "ushort",
        "double" | "Double" => "double",
        "float" | "Single" => "float",
        "decimal" | "Decimal" => "decimal",
        "bool" | "Boolean" => "bool",
        "char" | "Char" => "char",
        "object" | "Object" => "object",
        "void" => "void",
        "dynamic" => "dynamic",
        "nint" => "nint",
        "nuint" => "nuint",
        _ => return None,
    })
}

/// Numeric, boolean, GUID and date types (resolved names): a cast to one, or a parse into
/// one, is a conversion.
pub fn conversion_type(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "int" | "long" | "short" | "byte" | "sbyte" | "uint" | "ulong" | "ushort" | "nint"
        | "nuint" | "char" => "int",
        "double" | "float" | "decimal" => "float",
        "bool" => "bool",
        "System.Guid" => "uuid",
        "System.DateTime"
        | "System.DateTimeOffset"
        | "System.TimeSpan"
        | "System.DateOnly"
        | "System.TimeOnly" => "date",
        _ => return None,
    })
}

/// `Convert.ToXxx` methods that produce a number or boolean.
pub fn convert_method(name: &str) -> Option<&'static str> {
    Some(match name {
        "ToInt16" | "ToInt32" | "ToInt64" | "ToUInt16" | "ToUInt32" | "ToUInt64" | "ToByte"
        | "ToSByte" => "int",
        "ToDouble" | "ToSingle" | "ToDecimal" => "float",
        "ToBoolean" => "bool",
        "ToDateTime" => "date",
        _ => return None,
    })
}

/// `I` followed by an uppercase letter: an interface by .NET naming convention.
pub fn is_interface_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next() == Some('I') && chars.next().is_some_and(char::is_uppercase)
}

/// Members of `ControllerBase`, `Controller`, `PageModel` and `ComponentBase` a subclass reads
/// without qualification.
pub const INHERITED_MEMBERS: &[&str] = &[
    "Request",
    "Response",
    "HttpContext",
    "User",
    "RouteData",
    "ModelState",
    "Url",
    "TempData",
    "ViewData",
    "ViewBag",
    "ControllerContext",
    "PageContext",
    "Server",
    "Session",
];

/// Action-result helpers of `ControllerBase`/`Controller`/`PageModel` a subclass calls without
/// qualification.
pub const INHERITED_METHODS: &[&str] = &[
    "Ok",
    "Content",
    "Redirect",
    "RedirectPermanent",
    "RedirectPreserveMethod",
    "RedirectPermanentPreserveMethod",
    "LocalRedirect",
    "RedirectToAction",
    "RedirectToPage",
    "File",
    "PhysicalFile",
    "View",
    "PartialView",
    "Json",
    "BadRequest",
    "NotFound",
    "Unauthorized",
    "Forbid",
    "NoContent",
    "Created",
    "CreatedAtAction",
    "Accepted",
    "StatusCode",
    "Problem",
    "Page",
];

/// The framework class members are inherited from: a known framework base itself, or, for a
/// project base class named like one (`BaseApiController`, `AppPageModel`), the framework class
/// it conventionally derives from.
pub fn framework_base(base: &str) -> String {
    const FRAMEWORK: &[&str] = &[
        "Microsoft.AspNetCore.Mvc.ControllerBase",
        "Microsoft.AspNetCore.Mvc.Controller",
        "Microsoft.AspNetCore.Mvc.RazorPages.PageModel",
        "System.Web.Mvc.Controller",
        "System.Web.UI.Page",
    ];
    if FRAMEWORK.contains(&base) {
        return base.to_string();
    }
    let simple = base.rsplit('.').next().unwrap_or(base);
    if simple.ends_with("Controller") || simple.ends_with("ControllerBase") {
        "Microsoft.AspNetCore.Mvc.ControllerBase".to_string()
    } else if simple.ends_with("PageModel") {
        "Microsoft.AspNetCore.Mvc.RazorPages.PageModel".to_string()
    } else {
        base.to_string()
    }
}

/// Well-known library types and their namespaces: the implicit usings of ASP.NET Core projects
/// and the types AI-written code uses most. A name listed twice is resolved by the file's usings.
pub const WELL_KNOWN: &[(&str, &str)] = &[
    // System
    ("Console", "System"),
    ("Environment", "System"),
    ("Guid", "System"),
    ("DateTime", "System"),
    ("DateTimeOffset", "System"),
    ("TimeSpan", "System"),
    ("DateOnly", "System"),
    ("TimeOnly", "System"),
    ("Uri", "System"),
    ("UriBuilder", "System"),
    ("Convert", "System"),
    ("Math", "System"),
    ("Random", "System"),
    ("Activator", "System"),
    ("Type", "System"),
    ("Exception", "System"),
    ("ArgumentException", "System"),
    ("ArgumentNullException", "System"),
    ("InvalidOperationException", "System"),
    ("UnauthorizedAccessException", "System"),
    ("NotImplementedException", "System"),
    ("Enum", "System"),
    ("Func", "System"),
    ("Action", "System"),
    ("Lazy", "System"),
    ("Nullable", "System"),
    ("StringComparison", "System"),
    ("AppDomain", "System"),
    ("GC", "System"),
    ("BitConverter", "System"),
    ("Array", "System"),
    ("Tuple", "System"),
    ("ValueTuple", "System"),
    ("Obsolete", "System"),
    ("Serializable", "System"),
    // System.IO
    ("File", "System.IO"),
    ("FileInfo", "System.IO"),
    ("Directory", "System.IO"),
    ("DirectoryInfo", "System.IO"),
    ("Path", "System.IO"),
    ("FileStream", "System.IO"),
    ("FileMode", "System.IO"),
    ("FileAccess", "System.IO"),
    ("Stream", "System.IO"),
    ("MemoryStream", "System.IO"),
    ("StreamReader", "System.IO"),
    ("StreamWriter", "System.IO"),
    ("StringReader", "System.IO"),
    ("StringWriter", "System.IO"),
    ("TextReader", "System.IO"),
    ("TextWriter", "System.IO"),
    ("BinaryReader", "System.IO"),
    ("BinaryWriter", "System.IO"),
    ("IOException", "System.IO"),
    // System.Linq, collections, tasks, text
    ("Enumerable", "System.Linq"),
    ("Queryable", "System.Linq"),
    ("List", "System.Collections.Generic"),
    ("Dictionary", "System.Collections.Generic"),
    ("HashSet", "System.Collections.Generic"),
    ("IEnumerable", "System.Collections.Generic"),
    ("IList", "System.Collections.Generic"),
    ("IDictionary", "System.Collections.Generic"),
    ("ICollection", "System.Collections.Generic"),
    ("IReadOnlyList", "System.Collections.Generic"),
    ("KeyValuePair", "System.Collections.Generic"),
    ("ConcurrentDictionary", "System.Collections.Concurrent"),
    ("Task", "System.Threading.Tasks"),
    ("ValueTask", "System.Threading.Tasks"),
    ("CancellationToken", "System.Threading"),
    ("Thread", "System.Threading"),
    ("StringBuilder", "System.Text"),
    ("Encoding", "System.Text"),
    ("Regex", "System.Text.RegularExpressions"),
    ("RegexOptions", "System.Text.RegularExpressions"),
    ("JsonSerializer", "System.Text.Json"),
    ("JsonSerializerOptions", "System.Text.Json"),
    ("JsonDocument", "System.Text.Json"),
    ("JsonNode", "System.Text.Json.Nodes"),
    ("HtmlEncoder", "System.Text.Encodings.Web"),
    ("JavaScriptEncoder", "System.Text.Encodings.Web"),
    ("UrlEncoder", "System.Text.Encodings.Web"),
    // System.Net
    ("HttpClient", "System.Net.Http"),
    ("HttpRequestMessage", "System.Net.Http"),
    ("HttpResponseMessage", "System.Net.Http"),
    ("HttpMethod", "System.Net.Http"),
    ("StringContent", "System.Net.Http"),
    ("IHttpClientFactory", "System.Net.Http"),
    ("HttpClientHandler", "System.Net.Http"),
    ("WebClient", "System.Net"),
    ("WebRequest", "System.Net"),
    ("HttpWebRequest", "System.Net"),
    ("WebUtility", "System.Net"),
    ("IPAddress", "System.Net"),
    ("Dns", "System.Net"),
    ("ServicePointManager", "System.Net"),
    ("HttpStatusCode", "System.Net"),
    ("HttpUtility", "System.Web"),
    // Processes, security
    ("Process", "System.Diagnostics"),
    ("ProcessStartInfo", "System.Diagnostics"),
    ("Debug", "System.Diagnostics"),
    ("Stopwatch", "System.Diagnostics"),
    ("MD5", "System.Security.Cryptography"),
    ("SHA1", "System.Security.Cryptography"),
    ("SHA256", "System.Security.Cryptography"),
    ("SHA512", "System.Security.Cryptography"),
    ("HMACSHA256", "System.Security.Cryptography"),
    ("RandomNumberGenerator", "System.Security.Cryptography"),
    ("Rfc2898DeriveBytes", "System.Security.Cryptography"),
    ("Aes", "System.Security.Cryptography"),
    ("DES", "System.Security.Cryptography"),
    ("TripleDES", "System.Security.Cryptography"),
    ("RC2", "System.Security.Cryptography"),
    ("RSA", "System.Security.Cryptography"),
    (
        "X509Certificate2",
        "System.Security.Cryptography.X509Certificates",
    ),
    ("Claim", "System.Security.Claims"),
    ("ClaimsPrincipal", "System.Security.Claims"),
    ("ClaimTypes", "System.Security.Claims"),
    // Serialization
    (
        "BinaryFormatter",
        "System.Runtime.Serialization.Formatters.Binary",
    ),
    ("NetDataContractSerializer", "System.Runtime.Serialization"),
    ("DataContractSerializer", "System.Runtime.Serialization"),
    (
        "SoapFormatter",
        "System.Runtime.Serialization.Formatters.Soap",
    ),
    ("ObjectStateFormatter", "System.Web.UI"),
    ("LosFormatter", "System.Web.UI"),
    ("JavaScriptSerializer", "System.Web.Script.Serialization"),
    ("SimpleTypeResolver", "System.Web.Script.Serialization"),
    ("JsonConvert", "Newtonsoft.Json"),
    ("JsonSerializerSettings", "Newtonsoft.Json"),
    ("TypeNameHandling", "Newtonsoft.Json"),
    ("XmlSerializer", "System.Xml.Serialization"),
    // XML
    ("XmlDocument", "System.Xml"),
    ("XmlReader", "System.Xml"),
    ("XmlReaderSettings", "System.Xml"),
    ("XmlTextReader", "System.Xml"),
    ("XmlUrlResolver", "System.Xml"),
    ("XmlNode", "System.Xml"),
    ("XmlNodeList", "System.Xml"),
    ("XmlElement", "System.Xml"),
    ("DtdProcessing", "System.Xml"),
    ("XPathDocument", "System.Xml.XPath"),
    ("XPathNavigator", "System.Xml.XPath"),
    ("XPathExpression", "System.Xml.XPath"),
    ("XDocument", "System.Xml.Linq"),
    ("XElement", "System.Xml.Linq"),
    ("XslCompiledTransform", "System.Xml.Xsl"),
    // Directory services
    ("DirectorySearcher", "System.DirectoryServices"),
    ("DirectoryEntry", "System.DirectoryServices"),
    ("SearchResult", "System.DirectoryServices"),
    ("LdapConnection", "System.DirectoryServices.Protocols"),
    ("SearchRequest", "System.DirectoryServices.Protocols"),
    // ADO.NET
    ("SqlConnection", "Microsoft.Data.SqlClient"),
    ("SqlConnection", "System.Data.SqlClient"),
    ("SqlCommand", "Microsoft.Data.SqlClient"),
    ("SqlCommand", "System.Data.SqlClient"),
    ("SqlDataAdapter", "Microsoft.Data.SqlClient"),
    ("SqlDataAdapter", "System.Data.SqlClient"),
    ("SqlParameter", "Microsoft.Data.SqlClient"),
    ("SqlParameter", "System.Data.SqlClient"),
    ("SqlDataReader", "Microsoft.Data.SqlClient"),
    ("SqlDataReader", "System.Data.SqlClient"),
    ("SqliteConnection", "Microsoft.Data.Sqlite"),
    ("SQLiteConnection", "System.Data.SQLite"),
    ("SQLiteCommand", "System.Data.SQLite"),
    ("OracleConnection", "Oracle.ManagedDataAccess.Client"),
    ("OracleCommand", "Oracle.ManagedDataAccess.Client"),
    ("SqliteCommand", "Microsoft.Data.Sqlite"),
    ("NpgsqlConnection", "Npgsql"),
    ("NpgsqlCommand", "Npgsql"),
    ("MySqlConnection", "MySql.Data.MySqlClient"),
    ("MySqlConnection", "MySqlConnector"),
    ("MySqlCommand", "MySql.Data.MySqlClient"),
    ("MySqlCommand", "MySqlConnector"),
    ("OleDbCommand", "System.Data.OleDb"),
    ("OdbcCommand", "System.Data.Odbc"),
    ("IDbConnection", "System.Data"),
    ("IDbCommand", "System.Data"),
    ("DbCommand", "System.Data.Common"),
    ("DbConnection", "System.Data.Common"),
    ("CommandType", "System.Data"),
    ("DataTable", "System.Data"),
    ("DataSet", "System.Data"),
    // Entity Framework Core
    ("DbContext", "Microsoft.EntityFrameworkCore"),
    ("DbSet", "Microsoft.EntityFrameworkCore"),
    ("DbContextOptions", "Microsoft.EntityFrameworkCore"),
    ("EF", "Microsoft.EntityFrameworkCore"),
    (
        "RelationalQueryableExtensions",
        "Microsoft.EntityFrameworkCore",
    ),
    (
        "RelationalDatabaseFacadeExtensions",
        "Microsoft.EntityFrameworkCore",
    ),
    // ASP.NET Core
    ("WebApplication", "Microsoft.AspNetCore.Builder"),
    ("WebApplicationBuilder", "Microsoft.AspNetCore.Builder"),
    ("IApplicationBuilder", "Microsoft.AspNetCore.Builder"),
    ("IEndpointRouteBuilder", "Microsoft.AspNetCore.Routing"),
    ("RouteGroupBuilder", "Microsoft.AspNetCore.Routing"),
    ("RouteHandlerBuilder", "Microsoft.AspNetCore.Builder"),
    ("AsParameters", "Microsoft.AspNetCore.Http"),
    ("HttpContext", "Microsoft.AspNetCore.Http"),
    ("HttpContext", "System.Web"),
    ("HttpRequest", "Microsoft.AspNetCore.Http"),
    ("HttpRequest", "System.Web"),
    ("HttpResponse", "Microsoft.AspNetCore.Http"),
    ("HttpResponse", "System.Web"),
    ("HttpPostedFileBase", "System.Web"),
    ("Page", "System.Web.UI"),
    ("IFormFile", "Microsoft.AspNetCore.Http"),
    ("IFormCollection", "Microsoft.AspNetCore.Http"),
    ("IQueryCollection", "Microsoft.AspNetCore.Http"),
    ("IHeaderDictionary", "Microsoft.AspNetCore.Http"),
    ("IRequestCookieCollection", "Microsoft.AspNetCore.Http"),
    ("IResponseCookies", "Microsoft.AspNetCore.Http"),
    ("CookieOptions", "Microsoft.AspNetCore.Http"),
    ("ISession", "Microsoft.AspNetCore.Http"),
    ("IHttpContextAccessor", "Microsoft.AspNetCore.Http"),
    ("Results", "Microsoft.AspNetCore.Http"),
    ("TypedResults", "Microsoft.AspNetCore.Http"),
    ("IResult", "Microsoft.AspNetCore.Http"),
    ("StatusCodes", "Microsoft.AspNetCore.Http"),
    ("PathString", "Microsoft.AspNetCore.Http"),
    ("QueryString", "Microsoft.AspNetCore.Http"),
    ("ControllerBase", "Microsoft.AspNetCore.Mvc"),
    ("Controller", "Microsoft.AspNetCore.Mvc"),
    ("Controller", "System.Web.Mvc"),
    ("IActionResult", "Microsoft.AspNetCore.Mvc"),
    ("ActionResult", "Microsoft.AspNetCore.Mvc"),
    ("ContentResult", "Microsoft.AspNetCore.Mvc"),
    ("RedirectResult", "Microsoft.AspNetCore.Mvc"),
    ("FileResult", "Microsoft.AspNetCore.Mvc"),
    ("ObjectResult", "Microsoft.AspNetCore.Mvc"),
    ("ApiController", "Microsoft.AspNetCore.Mvc"),
    ("Route", "Microsoft.AspNetCore.Mvc"),
    ("HttpGet", "Microsoft.AspNetCore.Mvc"),
    ("HttpPost", "Microsoft.AspNetCore.Mvc"),
    ("HttpPut", "Microsoft.AspNetCore.Mvc"),
    ("HttpDelete", "Microsoft.AspNetCore.Mvc"),
    ("HttpPatch", "Microsoft.AspNetCore.Mvc"),
    ("HttpHead", "Microsoft.AspNetCore.Mvc"),
    ("HttpOptions", "Microsoft.AspNetCore.Mvc"),
    ("AcceptVerbs", "Microsoft.AspNetCore.Mvc"),
    ("FromQuery", "Microsoft.AspNetCore.Mvc"),
    ("FromRoute", "Microsoft.AspNetCore.Mvc"),
    ("FromBody", "Microsoft.AspNetCore.Mvc"),
    ("FromForm", "Microsoft.AspNetCore.Mvc"),
    ("FromHeader", "Microsoft.AspNetCore.Mvc"),
    ("FromServices", "Microsoft.AspNetCore.Mvc"),
    ("Produces", "Microsoft.AspNetCore.Mvc"),
    ("Consumes", "Microsoft.AspNetCore.Mvc"),
    ("ProducesResponseType", "Microsoft.AspNetCore.Mvc"),
    ("NonAction", "Microsoft.AspNetCore.Mvc"),
    ("ValidateAntiForgeryToken", "Microsoft.AspNetCore.Mvc"),
    ("AutoValidateAntiforgeryToken", "Microsoft.AspNetCore.Mvc"),
    ("IgnoreAntiforgeryToken", "Microsoft.AspNetCore.Mvc"),
    ("RequestSizeLimit", "Microsoft.AspNetCore.Mvc"),
    ("BindProperty", "Microsoft.AspNetCore.Mvc"),
    ("BindProperties", "Microsoft.AspNetCore.Mvc"),
    ("ViewResult", "Microsoft.AspNetCore.Mvc"),
    ("JsonResult", "Microsoft.AspNetCore.Mvc"),
    ("ProblemDetails", "Microsoft.AspNetCore.Mvc"),
    ("PageModel", "Microsoft.AspNetCore.Mvc.RazorPages"),
    ("IHtmlHelper", "Microsoft.AspNetCore.Mvc.Rendering"),
    ("HtmlString", "Microsoft.AspNetCore.Html"),
    ("Authorize", "Microsoft.AspNetCore.Authorization"),
    ("AllowAnonymous", "Microsoft.AspNetCore.Authorization"),
    ("EnableRateLimiting", "Microsoft.AspNetCore.RateLimiting"),
    ("DisableRateLimiting", "Microsoft.AspNetCore.RateLimiting"),
    ("EnableCors", "Microsoft.AspNetCore.Cors"),
    ("IWebHostEnvironment", "Microsoft.AspNetCore.Hosting"),
    ("ILogger", "Microsoft.Extensions.Logging"),
    ("ILoggerFactory", "Microsoft.Extensions.Logging"),
    ("LogLevel", "Microsoft.Extensions.Logging"),
    ("IConfiguration", "Microsoft.Extensions.Configuration"),
    ("IOptions", "Microsoft.Extensions.Options"),
    ("IMemoryCache", "Microsoft.Extensions.Caching.Memory"),
    (
        "IServiceCollection",
        "Microsoft.Extensions.DependencyInjection",
    ),
    ("BsonDocument", "MongoDB.Bson"),
    ("BsonSerializer", "MongoDB.Bson.Serialization"),
    ("JsonFilterDefinition", "MongoDB.Driver"),
    ("JsonPipelineStageDefinition", "MongoDB.Driver"),
    ("IMongoCollection", "MongoDB.Driver"),
    ("IMongoDatabase", "MongoDB.Driver"),
    ("IMongoClient", "MongoDB.Driver"),
    ("MongoClient", "MongoDB.Driver"),
    ("Builders", "MongoDB.Driver"),
    ("CSharpScript", "Microsoft.CodeAnalysis.CSharp.Scripting"),
    ("RestClient", "RestSharp"),
    ("RestClientOptions", "RestSharp"),
    ("RestRequest", "RestSharp"),
    ("Log", "Serilog"),
    ("Dapper", "Dapper"),
    ("SqlMapper", "Dapper"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_types_and_conversions() {
        assert_eq!(predefined("String"), Some("string"));
        assert_eq!(predefined("Int64"), Some("long"));
        assert_eq!(predefined("Customer"), None);
        assert_eq!(conversion_type("long"), Some("int"));
        assert_eq!(conversion_type("System.Guid"), Some("uuid"));
        assert_eq!(conversion_type("string"), None);
        assert_eq!(convert_method("ToInt32"), Some("int"));
        assert_eq!(convert_method("ToString"), None);
    }

    #[test]
    fn interface_names_and_framework_bases() {
        assert!(is_interface_name("IUserService"));
        assert!(!is_interface_name("Item"));
        assert!(!is_interface_name("I"));
        assert_eq!(
            framework_base("Microsoft.AspNetCore.Mvc.Controller"),
            "Microsoft.AspNetCore.Mvc.Controller"
        );
        assert_eq!(
            framework_base("Shop.Api.BaseApiController"),
            "Microsoft.AspNetCore.Mvc.ControllerBase"
        );
        assert_eq!(
            framework_base("Shop.Web.AppPageModel"),
            "Microsoft.AspNetCore.Mvc.RazorPages.PageModel"
        );
        assert_eq!(framework_base("Shop.Core.Entity"), "Shop.Core.Entity");
    }
}

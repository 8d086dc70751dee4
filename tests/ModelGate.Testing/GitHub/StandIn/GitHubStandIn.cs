using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ModelGate.Testing.GitHub.StandIn;

/// <summary>
/// A GitHub REST API stand-in on 127.0.0.1 (a free port) for the issue-comment endpoints the gate uses: list (with
/// per_page/page and Link headers, as GitHub paginates), create, edit. It records every request and can be told to
/// answer the next requests with an error (403, 429 with Retry-After, 5xx) or to act as a read-only fork token.
/// </summary>
public sealed partial class GitHubStandIn : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly ConcurrentQueue<ScriptedFailure> _failures = new();
    private readonly Dictionary<long, List<JsonObject>> _comments = [];
    private readonly object _gate = new();
    private long _nextId = 1000;

    private GitHubStandIn(HttpListener listener, Uri root, string pathPrefix)
    {
        _listener = listener;
        Root = root;
        PathPrefix = pathPrefix;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>http://127.0.0.1:PORT/ plus the prefix ("/api/v3" for an Enterprise Server layout), no trailing slash.</summary>
    public string ApiUrl => Root.AbsoluteUri.TrimEnd('/') + PathPrefix;

    public Uri Root { get; }

    public string PathPrefix { get; }

    /// <summary>GitHub's own cap is 100 per page; tests lower it to make a listing span pages.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Writes answer 403 "Resource not accessible by integration", as for a fork's read-only GITHUB_TOKEN.</summary>
    public bool ReadOnlyToken { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static GitHubStandIn Start(string pathPrefix = "")
    {
        // HttpListener cannot bind port 0; take a free port from the OS and retry if another process wins it.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();

            var listener = new HttpListener();
            var root = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(root.AbsoluteUri);
            try
            {
                listener.Start();
                return new GitHubStandIn(listener, root, pathPrefix);
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
    }

    /// <summary>The next <paramref name="times"/> requests (of <paramref name="method"/>, or any) get this answer.</summary>
    public void FailNext(int times, int status, string message = "scripted failure", IReadOnlyDictionary<string, string>? headers = null, string? method = null)
    {
        for (var i = 0; i < times; i++)
        {
            _failures.Enqueue(new ScriptedFailure(status, message, headers ?? new Dictionary<string, string>(), method));
        }
    }

    public void AddComment(long issue, string body, string login = "someone")
    {
        lock (_gate)
        {
            Thread(issue).Add(NewComment(issue, body, login));
        }
    }

    public IReadOnlyList<string> CommentBodies(long issue)
    {
        lock (_gate)
        {
            return Thread(issue).Select(c => (string)c["body"]!).ToList();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal exception; nothing to report.
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                await HandleAsync(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the next request is unaffected.
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var path = request.Url!.AbsolutePath;
        Requests.Enqueue(new RecordedRequest(request.HttpMethod, path, request.Url.Query, request.Headers["Authorization"], request.UserAgent, body));

        if (_failures.TryPeek(out var failure) && (failure.Method is null || failure.Method == request.HttpMethod) && _failures.TryDequeue(out failure))
        {
            foreach (var (name, value) in failure.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await WriteAsync(context, failure.Status, new JsonObject { ["message"] = failure.Message, ["documentation_url"] = "https://docs.github.com/rest" });
            return;
        }

        if (request.Headers["Authorization"] is null)
        {
            await WriteAsync(context, 401, new JsonObject { ["message"] = "Requires authentication" });
            return;
        }

        if (!path.StartsWith(PathPrefix + "/", StringComparison.Ordinal))
        {
            await WriteAsync(context, 404, new JsonObject { ["message"] = "Not Found" });
            return;
        }

        var route = path[PathPrefix.Length..];
        if (IssueComments().Match(route) is { Success: true } list)
        {
            var issue = long.Parse(list.Groups["issue"].Value, CultureInfo.InvariantCulture);
            switch (request.HttpMethod)
            {
                case "GET":
                    await ListAsync(context, issue);
                    return;
                case "POST" when ReadOnlyToken:
                    await WriteAsync(context, 403, new JsonObject { ["message"] = "Resource not accessible by integration" });
                    return;
                case "POST":
                    JsonObject created;
                    lock (_gate)
                    {
                        created = NewComment(issue, BodyOf(body), "github-actions[bot]");
                        Thread(issue).Add(created);
                    }

                    await WriteAsync(context, 201, created.DeepClone());
                    return;
            }
        }

        if (OneComment().Match(route) is { Success: true } one && request.HttpMethod == "PATCH")
        {
            if (ReadOnlyToken)
            {
                await WriteAsync(context, 403, new JsonObject { ["message"] = "Resource not accessible by integration" });
                return;
            }

            var id = long.Parse(one.Groups["id"].Value, CultureInfo.InvariantCulture);
            JsonObject? edited;
            lock (_gate)
            {
                edited = _comments.Values.SelectMany(c => c).FirstOrDefault(c => (long)c["id"]! == id);
                if (edited is not null)
                {
                    edited["body"] = BodyOf(body);
                    edited["updated_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                }
            }

            await WriteAsync(context, edited is null ? 404 : 200, edited?.DeepClone() ?? new JsonObject { ["message"] = "Not Found" });
            return;
        }

        await WriteAsync(context, 404, new JsonObject { ["message"] = "Not Found" });
    }

    private async Task ListAsync(HttpListenerContext context, long issue)
    {
        var query = context.Request.QueryString;
        var perPage = Math.Clamp(int.TryParse(query["per_page"], out var p) ? p : 30, 1, MaxPageSize);
        var page = Math.Max(1, int.TryParse(query["page"], out var n) ? n : 1);
        JsonArray items;
        int total;
        lock (_gate)
        {
            var all = Thread(issue);
            total = all.Count;
            items = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(c => (JsonNode)c.DeepClone()).ToArray());
        }

        var last = Math.Max(1, (total + perPage - 1) / perPage);
        var self = new Uri(Root, context.Request.Url!.AbsolutePath).AbsoluteUri;
        var links = new List<string>();
        if (page < last)
        {
            links.Add($"<{self}?per_page={perPage}&page={page + 1}>; rel=\"next\"");
            links.Add($"<{self}?per_page={perPage}&page={last}>; rel=\"last\"");
        }

        if (links.Count > 0)
        {
            context.Response.Headers["Link"] = string.Join(", ", links);
        }

        await WriteAsync(context, 200, items);
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, JsonNode json)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static string BodyOf(string json) =>
        JsonNode.Parse(json)?["body"]?.GetValue<string>() ?? throw new InvalidOperationException($"request without a body field: {json}");

    private List<JsonObject> Thread(long issue)
    {
        if (!_comments.TryGetValue(issue, out var list))
        {
            _comments[issue] = list = [];
        }

        return list;
    }

    private JsonObject NewComment(long issue, string body, string login)
    {
        var id = ++_nextId;
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["id"] = id,
            ["node_id"] = $"IC_{id}",
            ["url"] = $"{ApiUrl}/repos/o/r/issues/comments/{id}",
            ["html_url"] = $"{Root.AbsoluteUri}o/r/pull/{issue}#issuecomment-{id}",
            ["body"] = body,
            ["user"] = new JsonObject { ["login"] = login, ["id"] = 41898282, ["type"] = "Bot" },
            ["created_at"] = now,
            ["updated_at"] = now,
            ["author_association"] = "NONE",
        };
    }

    [GeneratedRegex(@"^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/issues/(?<issue>\d+)/comments$")]
    private static partial Regex IssueComments();

    [GeneratedRegex(@"^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/issues/comments/(?<id>\d+)$")]
    private static partial Regex OneComment();

    private sealed record ScriptedFailure(int Status, string Message, IReadOnlyDictionary<string, string> Headers, string? Method);
}

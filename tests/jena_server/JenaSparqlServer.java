/*
 * A stand-in for Apache Jena Fuseki in qcollab's remote-store tests (tests/jena_server.py): Jena's own
 * SPARQL engine (ARQ) over a TDB2 database, behind the SPARQL 1.1 Protocol and Graph Store Protocol as
 * Fuseki serves them for a dataset /ds. Fuseki is a thin HTTP layer over exactly ARQ + TDB2, but it is only
 * on Maven Central; Debian packages Jena itself (libapache-jena-java), so the tests compile this one file
 * against it and run it on the JDK's own HTTP server (com.sun.net.httpserver, no Jetty).
 *
 *   java JenaSparqlServer TDB2-DIRECTORY PORT UNION-DEFAULT-GRAPH(true|false)
 *
 * Endpoints, as Fuseki's for a dataset service /ds:
 *   /ds/query   GET ?query=, POST form query=, POST application/sparql-query; default-graph-uri and
 *               named-graph-uri (they override the query's FROM / FROM NAMED, as in Fuseki); the answer
 *               by Accept: SPARQL JSON, XML, CSV, TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML,
 *               JSON-LD, N-Quads, TriG for CONSTRUCT and DESCRIBE.
 *   /ds/update  POST form update=, POST application/sparql-update; using-graph-uri, using-named-graph-uri.
 *   /ds/data    the Graph Store Protocol: GET, HEAD, PUT, POST, DELETE with ?graph=IRI or ?default (404
 *               for a graph that holds no triple on GET, HEAD and DELETE; 201 when a PUT or POST makes the
 *               graph, else 204); without either parameter, GET, PUT and POST act on the whole dataset
 *               in a quad syntax, as Fuseki's quads operations do.
 *   /$/ping     200, as Fuseki's.
 * Each request is one TDB2 transaction (Txn.calculateRead / executeWrite): an update or upload that fails
 * is aborted whole. A syntax error is a 400 with the parser's message ("Parse error: ..."), as in Fuseki;
 * an update that fails when executed is a 500. With UNION-DEFAULT-GRAPH true the dataset's context sets
 * TDB2.symUnionDefaultGraph, which is what Fuseki's `tdb2:unionDefaultGraph true` does: a query's default
 * graph is then the union of the named graphs; updates and the Graph Store Protocol's ?default still
 * write and read the stored default graph.
 */

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.jena.atlas.web.AcceptList;
import org.apache.jena.atlas.web.MediaType;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.Syntax;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.riot.WebContent;
import org.apache.jena.riot.system.StreamRDFLib;
import org.apache.jena.sparql.core.DatasetDescription;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.DynamicDatasets;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.exec.QueryExec;
import org.apache.jena.sparql.modify.UsingList;
import org.apache.jena.sparql.resultset.ResultsWriter;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.DatabaseMgr;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.update.UpdateAction;
import org.apache.jena.update.UpdateException;
import org.apache.jena.update.UpdateFactory;
import org.apache.jena.update.UpdateRequest;

public final class JenaSparqlServer {
    static final String BASE = "http://server/unset-base/"; // Fuseki's base for parsing requests
    static final String FORM = "application/x-www-form-urlencoded";
    static final String RESULTS_JSON = "application/sparql-results+json";
    static final String RESULTS_XML = "application/sparql-results+xml";
    static final AcceptList RESULTS = AcceptList.create(
        RESULTS_JSON, RESULTS_XML, "text/csv", "text/tab-separated-values", "application/json");
    static final AcceptList GRAPHS = AcceptList.create(
        "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
        "application/n-quads", "application/trig");
    static final AcceptList DATASETS = AcceptList.create("application/trig", "application/n-quads");

    private final DatasetGraph dsg;

    JenaSparqlServer(DatasetGraph dsg) {
        this.dsg = dsg;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: JenaSparqlServer TDB2-DIRECTORY PORT UNION-DEFAULT-GRAPH(true|false)");
            System.exit(2);
        }
        DatasetGraph dsg = DatabaseMgr.connectDatasetGraph(args[0]);
        if (Boolean.parseBoolean(args[2]))
            dsg.getContext().set(TDB2.symUnionDefaultGraph, true);
        JenaSparqlServer service = new JenaSparqlServer(dsg);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
        HttpServer server = HttpServer.create(address, 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", exchange -> service.handle(exchange));
        server.start();
        System.out.println("JenaSparqlServer: " + args[0] + " on http://" + address.getHostString() + ":" + args[1]
                           + "/ds (union default graph: " + Boolean.parseBoolean(args[2]) + ")");
    }

    // -- requests -------------------------------------------------------------------------------------

    /** An answer other than success: its status and message (sent as text/plain). */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** One request: method, parameters (URL query string, and a form body), body, headers. */
    record Request(HttpExchange exchange, String method, Map<String, List<String>> params, byte[] body,
                   String contentType) {
        String one(String name) {
            List<String> values = params.getOrDefault(name, List.of());
            if (values.size() > 1)
                throw new HttpError(400, "Multiple occurrences of '" + name + "'");
            return values.isEmpty() ? null : values.get(0);
        }

        List<String> all(String name) {
            List<String> found = new ArrayList<>();
            for (String value : params.getOrDefault(name, List.of()))
                if (!value.isEmpty())
                    found.add(value);
            return found;
        }

        String accept() {
            String header = exchange.getRequestHeaders().getFirst("Accept");
            return header == null || header.isBlank() ? "*/*" : header;
        }
    }

    /** A successful answer: status, media type (null: no body) and body. */
    record Answer(int status, String mediaType, byte[] body) {
        static Answer empty(int status) {
            return new Answer(status, null, new byte[0]);
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        try {
            Request request = read(exchange);
            String path = exchange.getRequestURI().getPath();
            answer = switch (path) {
                case "/ds/query", "/ds/sparql" -> query(request);
                case "/ds/update" -> update(request);
                case "/ds/data" -> graphStore(request);
                case "/$/ping" -> new Answer(200, "text/plain", "pong\n".getBytes(StandardCharsets.UTF_8));
                default -> throw new HttpError(404, "No endpoint " + path);
            };
        } catch (HttpError error) {
            answer = new Answer(error.status, "text/plain", (error.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException | Error error) { // an Error too (OutOfMemoryError): else no answer ever comes
            error.printStackTrace();
            String message = error.getClass().getSimpleName() + ": " + error.getMessage() + "\n";
            answer = new Answer(500, "text/plain", message.getBytes(StandardCharsets.UTF_8));
        }
        send(exchange, answer);
    }

    static Request read(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String mediaType = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase();
        Map<String, List<String>> params = new LinkedHashMap<>();
        decode(exchange.getRequestURI().getRawQuery(), params);
        if (FORM.equals(mediaType))
            decode(new String(body, StandardCharsets.UTF_8), params);
        return new Request(exchange, exchange.getRequestMethod().toUpperCase(), params, body, mediaType);
    }

    static void decode(String encoded, Map<String, List<String>> params) {
        if (encoded == null || encoded.isEmpty())
            return;
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty())
                continue;
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            params.computeIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), k -> new ArrayList<>())
                  .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
    }

    static void send(HttpExchange exchange, Answer answer) throws IOException {
        try (exchange) {
            boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            if (answer.mediaType() != null)
                exchange.getResponseHeaders().set("Content-Type", answer.mediaType() + "; charset=utf-8");
            if (answer.body().length == 0 || head) {
                if (head && answer.body().length > 0)
                    exchange.getResponseHeaders().set("Content-Length", Integer.toString(answer.body().length));
                exchange.sendResponseHeaders(answer.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(answer.status(), answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (IOException gone) { // the client closed the connection (e.g. a test front that gave up)
        }
    }

    static MediaType negotiate(Request request, AcceptList offers) {
        MediaType chosen = AcceptList.match(new AcceptList(request.accept()), offers);
        if (chosen == null)
            throw new HttpError(406, "No acceptable media type for: " + request.accept());
        return chosen;
    }

    static String parseError(QueryParseException error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        int newline = message.indexOf('\n');
        return "Parse error: " + (newline < 0 ? message : message.substring(0, newline));
    }

    // -- the SPARQL 1.1 Protocol: query -------------------------------------------------------------------

    Answer query(Request request) {
        String text = switch (request.method()) {
            case "GET", "HEAD" -> request.one("query");
            case "POST" -> {
                if (FORM.equals(request.contentType()))
                    yield request.one("query");
                if (WebContent.contentTypeSPARQLQuery.equals(request.contentType()))
                    yield new String(request.body(), StandardCharsets.UTF_8);
                throw new HttpError(415, "Unsupported content type: " + request.contentType());
            }
            default -> throw new HttpError(405, "Method not allowed: " + request.method());
        };
        if (text == null)
            throw new HttpError(400, "No query string");
        Query query;
        try {
            query = QueryFactory.create(text, BASE, Syntax.syntaxARQ);
        } catch (QueryParseException error) {
            throw new HttpError(400, parseError(error));
        }
        List<String> defaults = request.all("default-graph-uri"), named = request.all("named-graph-uri");
        DatasetDescription description = defaults.isEmpty() && named.isEmpty()
            ? (query.hasDatasetDescription() ? DatasetDescription.create(query) : null)
            : DatasetDescription.create(defaults, named); // the protocol overrides the query
        if (description != null && query.hasDatasetDescription()) {
            query = query.cloneQuery();
            query.getGraphURIs().clear();
            query.getNamedGraphURIs().clear();
        }
        boolean rdf = query.isConstructType() || query.isDescribeType();
        MediaType chosen = negotiate(request, rdf ? GRAPHS : RESULTS);
        String mediaType = chosen.getContentTypeStr();
        Query parsed = query;
        byte[] body = Txn.calculateRead(dsg, () -> {
            DatasetGraph target = description == null ? dsg : DynamicDatasets.dynamicDataset(description, dsg, false);
            try (QueryExec exec = QueryExec.dataset(target).query(parsed).build()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (rdf)
                    writeGraphAnswer(exec, parsed, RDFLanguages.contentTypeToLang(mediaType), out);
                else {
                    Lang lang = WebContent.contentTypeToLangResultSet(mediaType.equals("application/json") ? RESULTS_JSON : mediaType);
                    ResultsWriter writer = ResultsWriter.create().lang(lang).build();
                    if (parsed.isAskType())
                        writer.write(out, exec.ask());
                    else
                        writer.write(out, exec.select());
                }
                return out.toByteArray();
            }
        });
        return new Answer(200, mediaType, body);
    }

    static void writeGraphAnswer(QueryExec exec, Query query, Lang lang, OutputStream out) {
        if (RDFLanguages.isQuads(lang)) {
            DatasetGraph quads = query.isConstructType() ? exec.constructDataset()
                                                         : DatasetGraphFactory.wrap(exec.describe());
            RDFDataMgr.write(out, quads, lang);
            return;
        }
        Graph graph = query.isConstructType() ? exec.construct() : exec.describe();
        RDFDataMgr.write(out, graph, lang);
    }

    // -- the SPARQL 1.1 Protocol: update ------------------------------------------------------------------

    Answer update(Request request) {
        if (!request.method().equals("POST"))
            throw new HttpError(405, "SPARQL Update: use POST");
        String text;
        boolean form = FORM.equals(request.contentType());
        if (form) {
            text = request.one("update");
            if (text == null)
                throw new HttpError(400, "SPARQL Update: No 'update=' parameter");
        } else if (request.contentType() == null || WebContent.contentTypeSPARQLUpdate.equals(request.contentType()))
            text = new String(request.body(), StandardCharsets.UTF_8);
        else
            throw new HttpError(415, "Must be " + WebContent.contentTypeSPARQLUpdate + " or " + FORM
                                     + " (got " + request.contentType() + ")");
        UsingList using = new UsingList();
        request.all("using-graph-uri").forEach(iri -> using.addUsing(NodeFactory.createURI(iri)));
        request.all("using-named-graph-uri").forEach(iri -> using.addUsingNamed(NodeFactory.createURI(iri)));
        UpdateRequest parsed;
        try {
            parsed = UpdateFactory.read(using, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                                        BASE, Syntax.syntaxARQ);
        } catch (QueryParseException error) {
            throw new HttpError(400, parseError(error));
        } catch (UpdateException error) {
            throw new HttpError(400, error.getMessage());
        }
        try {
            Txn.executeWrite(dsg, () -> UpdateAction.execute(parsed, dsg));
        } catch (UpdateException error) { // aborted by Txn
            throw new HttpError(500, error.getMessage());
        }
        if (form)
            return new Answer(200, "text/html", "<html><body>Update succeeded</body></html>\n".getBytes(StandardCharsets.UTF_8));
        return Answer.empty(204);
    }

    // -- the Graph Store Protocol ---------------------------------------------------------------------------

    /** The graph a request names: null for the default graph, Quad.unionGraph for ?graph=union. */
    record Target(Node name, boolean isDefault) {
        static Target of(Request request) {
            boolean isDefault = request.params().containsKey("default");
            String graph = request.one("graph");
            if (isDefault && graph != null)
                throw new HttpError(400, "Both ?default and ?graph= given");
            if (isDefault || "default".equals(graph))
                return new Target(null, true);
            if (graph == null)
                return null; // the whole dataset
            if ("union".equals(graph))
                return new Target(Quad.unionGraph, false);
            return new Target(NodeFactory.createURI(graph), false);
        }

        Graph graph(DatasetGraph dsg) {
            if (isDefault)
                return dsg.getDefaultGraph();
            return name.equals(Quad.unionGraph) ? dsg.getUnionGraph() : dsg.getGraph(name);
        }

        boolean exists(DatasetGraph dsg) { // as Fuseki: a named graph exists when it holds a triple
            return isDefault || name.equals(Quad.unionGraph) || !graph(dsg).isEmpty();
        }

        void writable() {
            if (!isDefault && name.equals(Quad.unionGraph))
                throw new HttpError(400, "Can't write the union graph");
        }
    }

    Answer graphStore(Request request) {
        Target target = Target.of(request);
        if (target == null)
            return quads(request);
        return switch (request.method()) {
            case "GET", "HEAD" -> {
                MediaType chosen = negotiate(request, GRAPHS);
                Lang lang = RDFLanguages.contentTypeToLang(chosen.getContentTypeStr());
                byte[] body = Txn.calculateRead(dsg, () -> {
                    if (!target.exists(dsg))
                        throw new HttpError(404, "No such graph: " + target.name());
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    Graph graph = target.graph(dsg);
                    if (RDFLanguages.isQuads(lang))
                        RDFDataMgr.write(out, DatasetGraphFactory.wrap(graph), lang);
                    else
                        RDFDataMgr.write(out, graph, lang);
                    return out.toByteArray();
                });
                yield new Answer(200, chosen.getContentTypeStr(), body);
            }
            case "PUT", "POST" -> {
                target.writable();
                Lang lang = bodyLang(request);
                if (!RDFLanguages.isTriples(lang))
                    throw new HttpError(415, "Not a triples syntax for a graph: " + request.contentType());
                boolean created = parsed(() -> Txn.calculateWrite(dsg, () -> {
                    boolean existed = target.exists(dsg);
                    Graph graph = target.graph(dsg);
                    if (request.method().equals("PUT") && existed)
                        graph.clear();
                    RDFParser.source(new ByteArrayInputStream(request.body())).lang(lang).base(BASE)
                             .parse(StreamRDFLib.graph(graph));
                    return !existed;
                }));
                yield Answer.empty(created ? 201 : 204);
            }
            case "DELETE" -> {
                target.writable();
                Txn.executeWrite(dsg, () -> {
                    if (!target.exists(dsg))
                        throw new HttpError(404, "No such graph: " + target.name());
                    if (target.isDefault())
                        dsg.getDefaultGraph().clear();
                    else
                        dsg.removeGraph(target.name());
                });
                yield Answer.empty(204);
            }
            default -> throw new HttpError(405, "Method not allowed: " + request.method());
        };
    }

    /** Fuseki's quads operations on the dataset (no ?graph, no ?default): GET all of it, POST (add) and
     * PUT (replace) quads. */
    Answer quads(Request request) {
        return switch (request.method()) {
            case "GET", "HEAD" -> {
                MediaType chosen = negotiate(request, DATASETS);
                byte[] body = Txn.calculateRead(dsg, () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    RDFDataMgr.write(out, dsg, RDFLanguages.contentTypeToLang(chosen.getContentTypeStr()));
                    return out.toByteArray();
                });
                yield new Answer(200, chosen.getContentTypeStr(), body);
            }
            case "PUT", "POST" -> {
                Lang lang = bodyLang(request);
                parsed(() -> Txn.calculateWrite(dsg, () -> {
                    if (request.method().equals("PUT"))
                        dsg.clear();
                    RDFParser.source(new ByteArrayInputStream(request.body())).lang(lang).base(BASE)
                             .parse(StreamRDFLib.dataset(dsg));
                    return true;
                }));
                yield Answer.empty(204);
            }
            default -> throw new HttpError(405, "Method not allowed on the dataset: " + request.method());
        };
    }

    static Lang bodyLang(Request request) {
        if (request.contentType() == null)
            throw new HttpError(400, "No Content-Type:");
        Lang lang = RDFLanguages.contentTypeToLang(request.contentType());
        if (lang == null || RDFLanguages.RDFNULL.equals(lang))
            throw new HttpError(415, "Unsupported content type: " + request.contentType());
        return lang;
    }

    /** Run a parse in a write transaction: a syntax error (which aborted it) is a 400. */
    static <T> T parsed(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (RiotException error) {
            throw new HttpError(400, "Parse error: " + error.getMessage());
        }
    }
}

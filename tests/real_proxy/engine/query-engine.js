// A Prisma query engine "binary" for prisma-client-py, built from Prisma's own engine compiled to WebAssembly.
//
// Why: prisma-client-py (which LiteLLM's proxy uses for its database) starts the executable named by
// PRISMA_QUERY_ENGINE_BINARY and talks to it over HTTP in Prisma's GraphQL protocol. Prisma's native engine
// binaries download from a host this project's machines cannot reach, and no package registry ships them. The
// same engine, at exactly the commit prisma-client-py expects, ships as WebAssembly inside the npm package
// @prisma/client; it speaks Prisma's JSON protocol and reaches PostgreSQL through a driver adapter
// (@prisma/adapter-pg over `pg`). This file serves the HTTP interface prisma-client-py expects and translates
// GraphQL documents into JSON-protocol requests, and the answers back.
//
// Run by tests/real_proxy/engine/query-engine (a shell wrapper: the one prisma-client-py executes), with
// NODE_PATH pointing at the node_modules that `tests/real_proxy/stack.py build` installs from package-lock.json.
//
//   query-engine --version             prints "query-engine <commit>", the commit of the bundled Wasm engine
//   query-engine --check-pin           exits 1, naming both commits, unless the Wasm engine is the one
//                                      LLMOPS_EXPECTED_ENGINE_COMMIT (prisma-client-py's expectation) names
//   query-engine -p PORT [...]         serves on 127.0.0.1:PORT what prisma-client-py 0.15 asks of its engine:
//     GET  /status                     {"status": "ok"} once connected to the database
//     POST /                           one GraphQL query {"query", "variables"}, or {"batch": [...], "transaction"}
//                                      (header X-transaction-id: run it inside that interactive transaction)
//     POST /transaction/start          {"timeout", "max_wait", "isolation_level"?} -> {"id"}
//     POST /transaction/ID/commit, /transaction/ID/rollback
//     GET  /metrics?format=json|prometheus
//
// The schema comes from PRISMA_DML_PATH (or PRISMA_DML, plain or base64), as prisma-client-py passes it; the
// database URL from OVERWRITE_DATASOURCES (prisma-client-py's datasource override) or the datasource's env var.
'use strict';

const fs = require('fs');
const http = require('http');

// The file that pins the Prisma packages: where a version bump has to happen.
const PIN_FILE = 'tests/real_proxy/engine/package.json';

function fail(message) {
    process.stderr.write('query-engine.js: ' + message + '\n');
    process.exit(1);
}

function dependency(name) {
    try {
        return require(name);
    } catch (error) {
        if (error.code !== 'MODULE_NOT_FOUND') throw error;
        fail(`cannot load the npm package ${name} (NODE_PATH=${process.env.NODE_PATH || ''}): ` +
             'run `scripts/real-proxy.sh build`, which installs the packages of ' + PIN_FILE);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The Wasm engine and its pin

let wasmRuntime;

function loadWasmEngine() {
    if (wasmRuntime) return wasmRuntime;
    dependency('@prisma/client/package.json');  // a clear message when the packages are missing
    const runtimeFile = require.resolve('@prisma/client/runtime/query_engine_bg.postgresql.js');
    const runtime = require(runtimeFile);
    const wasmFile = runtimeFile.replace(/\.js$/, '.wasm');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmFile)),
                                              {'./query_engine_bg.js': runtime});
    runtime.__wbg_set_wasm(instance.exports);
    wasmRuntime = runtime;
    return runtime;
}

function wasmCommit() {
    return loadWasmEngine().getBuildTimeInfo().commit;
}

function clientVersion() {
    return dependency('@prisma/client/package.json').version;
}

// A LiteLLM or Prisma bump changes the commit prisma-client-py expects; the Wasm engine must then come from the
// @prisma/client release of that commit. Refuse to run with any other, naming both and the file to change.
function checkPin() {
    const expected = process.env.LLMOPS_EXPECTED_ENGINE_COMMIT;
    if (!expected) {
        fail('LLMOPS_EXPECTED_ENGINE_COMMIT is not set: it names the query engine commit prisma-client-py expects ' +
             '(prisma.config.expected_engine_version); tests/real_proxy/stack.py sets it');
    }
    const actual = wasmCommit();
    if (actual !== expected) {
        fail(`prisma-client-py expects query engine ${expected}, but @prisma/client ${clientVersion()} ships ` +
             `the Wasm engine of commit ${actual}: pin in ${PIN_FILE} (then refresh package-lock.json there with ` +
             '`npm install --package-lock-only --ignore-scripts`) the @prisma/* and prisma versions of the Prisma release built from engine ' +
             `${expected} (npm view @prisma/engines-version@<version> shows the commit), or pin the prisma ` +
             'Python package (tests/real_proxy/proxy_venv.py) back to the one that expects ' + actual);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The datamodel: which fields are Json (they must reach the engine as Json values, not strings) and relations

function readDatamodel() {
    if (process.env.PRISMA_DML_PATH) return fs.readFileSync(process.env.PRISMA_DML_PATH, 'utf8');
    const inline = process.env.PRISMA_DML;
    if (!inline) fail('neither PRISMA_DML_PATH nor PRISMA_DML is set: prisma-client-py passes the schema that way');
    return /\b(model|datasource|generator)\b/.test(inline) ? inline : Buffer.from(inline, 'base64').toString('utf8');
}

// {models: {Model: {field: {type, kind: 'scalar'|'enum'|'object'}}}, datasourceEnv, datasourceUrl}
function parseDatamodel(text) {
    // Comments go (`// ...` at the start or after blanks); `postgresql://` in a literal url stays.
    const lines = text.split('\n').map((line) => line.replace(/(^|\s)\/\/.*$/, '').trim());
    const blocks = [];
    let current = null;
    for (const line of lines) {
        const opening = /^(model|enum|view|type|datasource|generator)\s+(\w+)\s*\{/.exec(line);
        if (opening) {
            current = {kind: opening[1], name: opening[2], lines: []};
            blocks.push(current);
        } else if (line === '}') {
            current = null;
        } else if (current && line) {
            current.lines.push(line);
        }
    }
    const modelNames = new Set(blocks.filter((b) => b.kind === 'model' || b.kind === 'view').map((b) => b.name));
    const enumNames = new Set(blocks.filter((b) => b.kind === 'enum').map((b) => b.name));
    const models = {};
    let datasourceEnv = null;
    let datasourceUrl = null;
    for (const block of blocks) {
        if (block.kind === 'datasource') {
            for (const line of block.lines) {
                const fromEnv = /^url\s*=\s*env\(\s*"([^"]+)"\s*\)/.exec(line);
                const literal = /^url\s*=\s*"([^"]+)"/.exec(line);
                if (fromEnv) datasourceEnv = fromEnv[1];
                if (literal) datasourceUrl = literal[1];
            }
        }
        if (!modelNames.has(block.name) || (block.kind !== 'model' && block.kind !== 'view')) continue;
        const fields = {};
        for (const line of block.lines) {
            const field = /^(\w+)\s+(\w+)(\[\])?\??(\s|$)/.exec(line);
            if (!field || line.startsWith('@@')) continue;
            const type = field[2];
            fields[field[1]] = {type, kind: modelNames.has(type) ? 'object' : enumNames.has(type) ? 'enum' : 'scalar'};
        }
        models[block.name] = fields;
    }
    return {models, datasourceEnv, datasourceUrl};
}

// ---------------------------------------------------------------------------------------------------------------
// GraphQL (what prisma-client-py sends) -> JSON protocol (what the engine speaks)

// Longest first: "findUniqueX" must not be read as action "findUnique" of a model named "UniqueX"...
const ACTIONS = ['findUnique', 'findFirst', 'findMany', 'createOne', 'createMany', 'updateOne', 'updateMany',
                 'deleteOne', 'deleteMany', 'upsertOne', 'aggregate', 'groupBy'];
const RAW_ACTIONS = new Set(['queryRaw', 'executeRaw']);
// Keys of a filter on a Json field (JsonNullableFilter) whose values are Json, and the other keys it may hold.
const JSON_FILTER_VALUE_KEYS = new Set(['equals', 'not', 'array_contains', 'array_starts_with', 'array_ends_with',
                                        'lt', 'lte', 'gt', 'gte']);
const JSON_FILTER_KEYS = new Set([...JSON_FILTER_VALUE_KEYS, 'path', 'string_contains', 'string_starts_with',
                                  'string_ends_with', 'mode']);

class TranslationError extends Error {}

function splitOperation(name, models) {
    if (RAW_ACTIONS.has(name)) return {action: name, modelName: undefined};
    for (const action of ACTIONS) {
        if (!name.startsWith(action)) continue;
        let modelName = name.slice(action.length);
        let orThrow = '';
        if (!(modelName in models) && modelName.endsWith('OrThrow')) {
            modelName = modelName.slice(0, -'OrThrow'.length);
            orThrow = 'OrThrow';
        }
        if (modelName in models) return {action: action + orThrow, modelName};
    }
    throw new TranslationError(`unknown operation ${name} (not an action on a model of the schema)`);
}

function graphqlValue(node) {
    switch (node.kind) {
    case 'IntValue': {
        const number = Number(node.value);
        // Beyond 2^53 a JS number loses digits: hand it over as Prisma's tagged BigInt.
        return Number.isSafeInteger(number) ? number : {$type: 'BigInt', value: node.value};
    }
    case 'FloatValue': return Number(node.value);
    case 'StringValue': return node.value;
    case 'BooleanValue': return node.value;
    case 'NullValue': return null;
    case 'EnumValue': return node.value;
    case 'ListValue': return node.values.map(graphqlValue);
    case 'ObjectValue': return Object.fromEntries(node.fields.map((field) => [field.name.value, graphqlValue(field.value)]));
    default: throw new TranslationError(`unsupported GraphQL value ${node.kind}`);
    }
}

function jsonValue(value) {
    // prisma-client-py sends a Json field's value as a JSON string; anything else is the value itself.
    return {$type: 'Json', value: typeof value === 'string' ? value : JSON.stringify(value)};
}

function jsonFieldArgument(value) {
    if (value === null || value === undefined) return value;
    if (typeof value === 'object' && !Array.isArray(value) && !value.$type && Object.keys(value).length > 0 &&
        Object.keys(value).every((key) => JSON_FILTER_KEYS.has(key))) {
        const filter = {};
        for (const [key, inner] of Object.entries(value)) {
            filter[key] = JSON_FILTER_VALUE_KEYS.has(key) && inner !== null ? jsonValue(inner) : inner;
        }
        return filter;
    }
    return jsonValue(value);
}

// Walk arguments with the model they apply to: a key naming a Json field of that model gets Json values, a key
// naming a relation switches to the related model, anything else (where, data, AND, create, set, ...) keeps it.
function typedArguments(value, modelName, datamodel) {
    if (Array.isArray(value)) return value.map((item) => typedArguments(item, modelName, datamodel));
    if (value === null || typeof value !== 'object' || value.$type) return value;
    const fields = (modelName && datamodel.models[modelName]) || {};
    const typed = {};
    for (const [key, inner] of Object.entries(value)) {
        const field = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : null;
        if (field && field.kind === 'scalar' && field.type === 'Json') {
            typed[key] = jsonFieldArgument(inner);
        } else if (field && field.kind === 'object') {
            typed[key] = typedArguments(inner, field.type, datamodel);
        } else {
            typed[key] = typedArguments(inner, modelName, datamodel);
        }
    }
    return typed;
}

function selectionSet(node, modelName, datamodel) {
    const selection = {};
    for (const item of (node ? node.selections : [])) {
        if (item.kind !== 'Field') throw new TranslationError(`unsupported GraphQL selection ${item.kind}`);
        const name = item.name.value;
        const field = modelName && datamodel.models[modelName] ? datamodel.models[modelName][name] : undefined;
        const target = field && field.kind === 'object' ? field.type : modelName;
        if (!item.selectionSet && item.arguments.length === 0) {
            selection[name] = true;
            continue;
        }
        const nested = {selection: selectionSet(item.selectionSet, target, datamodel)};
        if (item.arguments.length) nested.arguments = argumentsOf(item, target, datamodel);
        selection[name] = nested;
    }
    return selection;
}

function argumentsOf(field, modelName, datamodel) {
    const args = Object.fromEntries(field.arguments.map((arg) => [arg.name.value, graphqlValue(arg.value)]));
    return typedArguments(args, modelName, datamodel);
}

function toJsonQuery(graphql, document, datamodel) {
    let parsed;
    try {
        parsed = graphql.parse(document);
    } catch (error) {
        throw new TranslationError(`cannot parse the GraphQL document: ${error.message}`);
    }
    const operation = parsed.definitions[0];
    if (parsed.definitions.length !== 1 || operation.kind !== 'OperationDefinition' ||
        operation.selectionSet.selections.length !== 1) {
        throw new TranslationError('expected one operation with one field (prisma-client-py sends "result: ...")');
    }
    const field = operation.selectionSet.selections[0];
    const {action, modelName} = splitOperation(field.name.value, datamodel.models);
    if (RAW_ACTIONS.has(action)) {
        // {query, parameters}: parameters is the JSON text of the list, in both protocols.
        const args = Object.fromEntries(field.arguments.map((arg) => [arg.name.value, graphqlValue(arg.value)]));
        return {action, query: {arguments: args, selection: {}}};
    }
    return {
        modelName,
        action,
        query: {arguments: argumentsOf(field, modelName, datamodel), selection: selectionSet(field.selectionSet, modelName, datamodel)},
    };
}

// ---------------------------------------------------------------------------------------------------------------
// JSON-protocol answers -> GraphQL-protocol answers: {"data": {"result": ...}}, tagged values as plain ones

function untag(value) {
    if (Array.isArray(value)) return value.map(untag);
    if (value === null || typeof value !== 'object') return value;
    // {$type: DateTime|Decimal|BigInt|Bytes|Json, value}: prisma-client-py wants the value (a Json field as its
    // JSON text, which its models parse).
    if (typeof value.$type === 'string' && 'value' in value && Object.keys(value).length === 2) return value.value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, untag(inner)]));
}

function toGraphqlAnswer(answer, raw) {
    if (!answer || answer.errors || !answer.data) return answer;
    const values = Object.values(answer.data);
    return {data: {result: raw ? values[0] : untag(values[0])}};
}

// ---------------------------------------------------------------------------------------------------------------
// The database: pg through Prisma's driver adapter

// Column types @prisma/adapter-pg 5.17.0 maps (conversion.ts, fieldToColumnType); it refuses any other.
const ADAPTER_COLUMN_TYPES = new Set([
    16, 17, 20, 21, 23, 25, 26, 114, 142, 650, 700, 701, 790, 869, 1042, 1043, 1082, 1083, 1114, 1184, 1266, 1560,
    1562, 1700, 2950, 3802,  // scalars
    143, 199, 651, 791, 1000, 1001, 1002, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1028, 1041, 1115, 1182,
    1183, 1231, 1561, 1563, 2951, 3807,  // arrays
]);
const TEXT = 25;

// LiteLLM's raw catalog queries return columns of types such as `name` and `regclass`, which the adapter refuses
// ("Unsupported column type"). pg hands their values over as strings (it has no parser for them): call such a
// column text. One whose values pg did parse (timestamptz[], say) stays as it is, for the adapter to refuse.
function relabelColumns(result) {
    for (const one of Array.isArray(result) ? result : [result]) {
        const fields = (one && one.fields) || [];
        fields.forEach((field, index) => {
            if (field.dataTypeID >= 10000 || ADAPTER_COLUMN_TYPES.has(field.dataTypeID)) return;
            const strings = (one.rows || []).every((row) => {
                const value = Array.isArray(row) ? row[index] : row[field.name];
                return value === null || typeof value === 'string';
            });
            if (strings) field.dataTypeID = TEXT;
        });
    }
    return result;
}

function patchClient(client) {
    if (client.llmopsPatched) return;
    const query = client.query;
    client.query = function patchedQuery(...args) {
        // pg's Pool.query calls its client with a callback; the adapter's transactions use the promise.
        const last = args.length - 1;
        if (typeof args[last] === 'function') {
            const callback = args[last];
            args[last] = (error, result) => callback(error, error ? result : relabelColumns(result));
        }
        const result = query.apply(this, args);
        return result && typeof result.then === 'function' ? result.then(relabelColumns) : result;
    };
    client.llmopsPatched = true;
}

function databaseUrl(datamodel) {
    if (process.env.OVERWRITE_DATASOURCES) {
        const overrides = JSON.parse(process.env.OVERWRITE_DATASOURCES);
        if (overrides.length && overrides[0].url) return overrides[0].url;
    }
    if (datamodel.datasourceEnv) {
        const url = process.env[datamodel.datasourceEnv];
        if (!url) fail(`the schema's datasource reads the database URL from ${datamodel.datasourceEnv}, which is not set`);
        return url;
    }
    if (datamodel.datasourceUrl) return datamodel.datasourceUrl;
    return fail('the schema names no datasource url');
}

function makeAdapter(url) {
    const pg = dependency('pg');
    const {PrismaPg} = dependency('@prisma/adapter-pg');
    const {bindAdapter} = dependency('@prisma/driver-adapter-utils');
    // Prisma's own URL parameters: pg does not know them (LiteLLM adds connection_limit and pool_timeout).
    const parsed = new URL(url);
    const limit = Number(parsed.searchParams.get('connection_limit')) || 10;
    const poolTimeout = Number(parsed.searchParams.get('pool_timeout'));
    const schema = parsed.searchParams.get('schema');
    for (const name of ['connection_limit', 'pool_timeout', 'schema', 'socket_timeout', 'connect_timeout',
                        'pgbouncer', 'statement_cache_size']) {
        parsed.searchParams.delete(name);
    }
    const config = {connectionString: parsed.toString(), max: limit};
    if (poolTimeout > 0) config.connectionTimeoutMillis = poolTimeout * 1000;
    if (schema) config.options = `${parsed.searchParams.get('options') || ''} -c search_path="${schema}"`.trim();
    const pool = new pg.Pool(config);
    pool.on('connect', patchClient);
    // An idle client that loses its server connection must not take the process down.
    pool.on('error', (error) => process.stderr.write(`query-engine.js: idle database connection: ${error.message}\n`));
    return {pool, adapter: bindAdapter(new PrismaPg(pool, schema ? {schema} : undefined))};
}

// ---------------------------------------------------------------------------------------------------------------
// The HTTP server

function readBody(request) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        request.on('data', (chunk) => chunks.push(chunk));
        request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        request.on('error', reject);
    });
}

function send(response, status, body) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)});
    response.end(text);
}

// Transaction answers that are errors ({error_code, message, ...}) in the shape prisma-client-py maps to its
// exceptions (P2028 -> TransactionError and so on).
function transactionAnswer(text) {
    const answer = JSON.parse(text || '{}');
    if (answer && answer.error_code) return {errors: [{error: answer.message, user_facing_error: answer}]};
    return answer;
}

async function handle(engine, graphql, datamodel, request, response) {
    const url = new URL(request.url, 'http://127.0.0.1');
    const route = url.pathname;
    if (request.method === 'GET' && route === '/status') return send(response, 200, {status: 'ok'});
    if (request.method === 'GET' && route === '/metrics') {
        const format = url.searchParams.get('format') || 'json';
        const body = await readBody(request);
        const metrics = await engine.metrics(JSON.stringify({format, globalLabels: body ? JSON.parse(body) : {}}));
        return send(response, 200, metrics);
    }
    if (request.method !== 'POST') return send(response, 404, {error: `no ${request.method} ${route} here`});
    const body = await readBody(request);
    if (route === '/transaction/start') {
        return send(response, 200, transactionAnswer(await engine.startTransaction(body || '{}', '{}')));
    }
    const transaction = /^\/transaction\/([^/]+)\/(commit|rollback)$/.exec(route);
    if (transaction) {
        const call = transaction[2] === 'commit' ? 'commitTransaction' : 'rollbackTransaction';
        return send(response, 200, transactionAnswer(await engine[call](decodeURIComponent(transaction[1]), '{}')));
    }
    if (route !== '/') return send(response, 404, {error: `no POST ${route} here`});

    const txId = request.headers['x-transaction-id'] || undefined;
    const payload = JSON.parse(body);
    if (Array.isArray(payload.batch)) {
        const queries = payload.batch.map((item) => toJsonQuery(graphql, item.query, datamodel));
        const batch = {batch: queries};
        if (payload.transaction) batch.transaction = payload.isolationLevel ? {isolationLevel: payload.isolationLevel} : {};
        const answer = JSON.parse(await engine.query(JSON.stringify(batch), '{}', txId));
        if (Array.isArray(answer.batchResult)) {
            answer.batchResult = answer.batchResult.map((item, index) =>
                toGraphqlAnswer(item, RAW_ACTIONS.has(queries[index].action)));
        }
        return send(response, 200, answer);
    }
    const query = toJsonQuery(graphql, payload.query, datamodel);
    const answer = JSON.parse(await engine.query(JSON.stringify(query), '{}', txId));
    return send(response, 200, toGraphqlAnswer(answer, RAW_ACTIONS.has(query.action)));
}

async function serve(port) {
    checkPin();
    const graphql = dependency('graphql');
    const schemaText = readDatamodel();
    const datamodel = parseDatamodel(schemaText);
    const {pool, adapter} = makeAdapter(databaseUrl(datamodel));
    const {QueryEngine} = loadWasmEngine();
    const engine = new QueryEngine({
        datamodel: schemaText,
        env: process.env,
        logQueries: false,
        ignoreEnvVarErrors: true,
        datasourceOverrides: {},
        logLevel: 'error',
        configDir: process.cwd(),
        engineProtocol: 'json',
    }, (log) => {
        // Engine log lines are JSON; at level "error" only failures arrive here.
        process.stderr.write(`query-engine.js: ${log}\n`);
    }, adapter);
    await engine.connect('{}');

    const server = http.createServer((request, response) => {
        handle(engine, graphql, datamodel, request, response).catch((error) => {
            // A translation failure is this engine's limit, not the caller's: say so loudly (HTTP 500), with the
            // reason, rather than an answer prisma-client-py would take for a database error.
            const prefix = error instanceof TranslationError ? 'query-engine.js cannot translate the request: '
                : 'query-engine.js failed: ';
            process.stderr.write(`${prefix}${error.stack || error}\n`);
            if (!response.headersSent) send(response, 500, {errors: [{error: prefix + error.message}]});
        });
    });
    // Our own HTTP client (prisma-client-py, httpx) keeps connections open between queries.
    server.keepAliveTimeout = 60000;

    let stopping = false;
    const stop = async (code) => {
        if (stopping) return;
        stopping = true;
        server.close();
        try {
            await engine.disconnect('{}');
            await pool.end();
        } finally {
            process.exit(code);
        }
    };
    process.on('SIGINT', () => stop(0));
    process.on('SIGTERM', () => stop(0));
    // prisma-client-py stops us with SIGINT, but a parent killed outright cannot: never outlive it.
    const parent = process.ppid;
    setInterval(() => {
        if (process.ppid !== parent) stop(0);
    }, 1000).unref();

    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
    });
}

function main(argv) {
    if (argv.some((arg) => arg === '--version' || arg === '-V' || arg === 'version')) {
        process.stdout.write(`query-engine ${wasmCommit()}\n`);
        return;
    }
    if (argv.includes('--check-pin')) {
        checkPin();
        process.stdout.write(`query-engine ${wasmCommit()}: the commit prisma-client-py expects\n`);
        return;
    }
    const portIndex = argv.findIndex((arg) => arg === '-p' || arg === '--port');
    const port = portIndex >= 0 ? Number(argv[portIndex + 1]) : NaN;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        // Also what a Prisma CLI command that wants a schema engine (migrate, db push) gets: there is none here,
        // tests/real_proxy/stack.py applies LiteLLM's SQL migrations with psql instead.
        fail(`usage: query-engine --version | --check-pin | -p PORT (got: ${argv.join(' ') || 'no arguments'}); ` +
             'this is a query engine only: no Prisma schema engine (migrate, db push) is available');
    }
    serve(port).catch((error) => fail(`cannot start: ${error.stack || error}`));
}

main(process.argv.slice(2));

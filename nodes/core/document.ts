/**
 * The graph document: what a user saves, opens, exports and the CLI runs. JSON with a format
 * version; checked with a zod schema; older versions are migrated forward on load.
 */
import { z } from 'zod';
import type { Diagnostic } from './diagnostics.ts';
import { quoted } from './format.ts';
import type { JsonObject, JsonValue } from './json.ts';
import type { RunLimitKey } from './kind.ts';
import { nearestName } from './suggest.ts';

export const GRAPH_FORMAT = 'plasticity-graph';
export const GRAPH_VERSION = 1;

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const id = z.string().min(1, 'an id must not be empty').max(200);

/**
 * What a node id may be: it names the node's pictures (ID_fields.png, ID_learning_curve.png) in the run folder, so a
 * plain file name: ASCII letters, digits, _ - . and not starting with . or - (no /, \, .., control characters or spaces).
 */
export const NODE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Why `value` cannot be a node id, or null when it can. */
export function nodeIdProblem(value: string): string | null {
  if (NODE_ID.test(value) && value.length <= 200) return null;
  // Control and format characters (a right-to-left override, say) are shown escaped, never acted on.
  const shown = quoted(value);
  if (!value) return 'a node id must not be empty';
  if (value.length > 200) return `node id ${shown}: at most 200 characters (it has ${value.length})`;
  // An id it could be instead, for the message (the file is the user's to change: ids are in its wires too).
  const like = value.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '_').replace(/__+/g, '_').replace(/^[_-]+|[_-]+$/g, '').slice(0, 60);
  const hint = like && NODE_ID.test(like) ? `, e.g. ${like}, in its wires too` : '';
  if (/[/\\]/.test(value)) return `node id ${shown}: use letters, digits, _ - . (no / or \\)${hint}`;
  if (/^[.-]/.test(value)) return `node id ${shown}: start it with a letter, digit or _ (not . or -)${hint}`;
  return `node id ${shown}: use only letters, digits, _ - . (no spaces, control or other characters)${hint}`;
}

const nodeId = z.string().superRefine((v, ctx) => {
  const problem = nodeIdProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const graphNodeSchema = z.object({
  id: nodeId,
  kind: z.string().min(1),
  /** The version of the node kind this node was saved with (for per-kind migrations). */
  version: z.number().int().min(1).optional(),
  label: z.string().optional(),
  params: z.record(z.string(), jsonValue).default({}),
  position: z.tuple([z.number(), z.number()]).default([0, 0]),
  /** The loop scope (a container node) this node belongs to. */
  parent: id.optional(),
}).strict();

const endpoint = z.object({ node: id, port: z.string().min(1) }).strict();
export const wireSchema = z.object({ from: endpoint, to: endpoint }).strict();

/** The largest value of each run limit. */
export const RUN_LIMIT_MAX = { epochs: 100_000, trainLimit: 10_000_000, testLimit: 10_000_000, sampleLimit: 10_000_000 } as const satisfies Record<RunLimitKey, number>;

/** Limits on a run's data and epochs (the app's Quick run, the CLI's --epochs and --*-limit options). */
export const runLimitsSchema = z
  .object({
    epochs: z.number().int().min(1).max(RUN_LIMIT_MAX.epochs).optional(),
    trainLimit: z.number().int().min(1).max(RUN_LIMIT_MAX.trainLimit).optional(),
    testLimit: z.number().int().min(1).max(RUN_LIMIT_MAX.testLimit).optional(),
    sampleLimit: z.number().int().min(1).max(RUN_LIMIT_MAX.sampleLimit).optional(),
  })
  .strict();
export type RunLimits = z.infer<typeof runLimitsSchema>;

/**
 * A graph's Quick run: its limits and, in `set`, parameter changes that only a Quick run makes, keyed
 * "node.param" as `plasticity run --set node.param=value` (for instance a shorter warm-up, so that a few seconds of
 * training get past it). The compiler checks them as it checks --set: the node and its parameter must exist and the
 * value must be one the parameter takes.
 */
/**
 * A key of a Quick run's `set`, and of `--set` and `--vary`: "node.param", split at its last dot (a node id may hold
 * dots, free.v2; a parameter name never does).
 */
const QUICK_KEY = /^([^=]+)\.([^.=]+)$/;

export const quickSchema = runLimitsSchema
  .extend({
    set: z.record(z.string().regex(QUICK_KEY, 'expected "node.param"'), jsonValue).optional(),
  })
  .strict();
export type QuickRun = z.infer<typeof quickSchema>;

/** What Quick run uses for a graph that does not say: tiny limits, so most graphs run in seconds. */
export const DEFAULT_QUICK: Required<RunLimits> = { epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200 };

/** A published figure for one of a graph's metrics, shown beside the run's own value. */
export const referenceSchema = z
  .object({
    value: z.number(),
    /** Where the figure comes from, e.g. "Scellier & Bengio 2017". */
    source: z.string().min(1),
    /** How it was measured, when that matters for the comparison (epochs, data, protocol). */
    note: z.string().optional(),
  })
  .strict();
export type Reference = z.infer<typeof referenceSchema>;

/**
 * A graph's seed: a whole number from 0 up to 2^53 - 1, so that it stays exact as a JSON number. The same rule
 * everywhere: the document's schema, the inspector's seed field and the CLI's --seed and --seeds. (Each step's
 * random numbers are seeded from a hash of the graph's seed and the node's id; no negative seed is needed.)
 */
export const SEED_MAX = Number.MAX_SAFE_INTEGER;
export const SEED_RULE = 'a whole number >= 0';

/** Why `value` cannot be a graph's seed ("must be a whole number >= 0, got -3"), or null when it can. */
export function seedProblem(value: unknown): string | null {
  const shown = typeof value === 'number' ? String(value) : JSON.stringify(value) ?? String(value);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return `must be ${SEED_RULE}, got ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
  if (value > SEED_MAX) return `must be at most ${SEED_MAX}, got ${shown}`;
  return null;
}

const seedSchema = z.number({ error: (iss) => seedProblem(iss.input) ?? undefined }).superRefine((v, ctx) => {
  const problem = seedProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const graphSchema = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  name: z.string().default('untitled'),
  description: z.string().optional(),
  seed: seedSchema.default(1),
  nodes: z.array(graphNodeSchema),
  wires: z.array(wireSchema).default([]),
  /**
   * The limits of a Quick run of this graph (the app's Quick run, `plasticity run --quick`); a limit it does not
   * set is DEFAULT_QUICK's. For a graph whose few seconds are better spent on more data than the default; `set`
   * changes parameters for a Quick run only (the full run keeps the nodes' own values).
   */
  quick: quickSchema.optional(),
  /** Published figures for some of the graph's metrics, by metric name: the run panel and History show them beside the run's. */
  references: z.record(z.string().min(1), referenceSchema).optional(),
  /** Free-form editor state (viewport, etc.); kept verbatim. */
  meta: z.record(z.string(), jsonValue).optional(),
}).strict();

export type GraphNode = z.infer<typeof graphNodeSchema>;

/**
 * The ring of loop scopes node `id` is in, following each node's `parent` (a inside b, b inside a): the chain from
 * `id` back to itself, [a, b, a]; null when the parents lead out (a ring further up is its own nodes' ring).
 */
export function scopeRing(id: string, parentOf: (id: string) => string | undefined): string[] | null {
  const chain = [id];
  for (let p = parentOf(id); p !== undefined; p = parentOf(p)) {
    if (p === id) return [...chain, p];
    if (chain.includes(p)) return null;
    chain.push(p);
  }
  return null;
}

/** The limits a Quick run of `doc` uses: the graph's own `quick`, the rest DEFAULT_QUICK's. */
export function quickLimits(doc: Pick<GraphDocument, 'quick'>): Required<RunLimits> {
  const { set: _set, ...limits } = doc.quick ?? {};
  return { ...DEFAULT_QUICK, ...limits };
}

const LIMIT_WORDS: Record<RunLimitKey, (n: number) => string> = {
  epochs: (n) => `${n} epoch${n === 1 ? '' : 's'}`,
  trainLimit: (n) => `up to ${n} training`,
  testLimit: (n) => `up to ${n} test`,
  sampleLimit: (n) => `${n} sample${n === 1 ? '' : 's'}`,
};

/**
 * A run's limits, each said ("1 epoch", "up to 200 training", "up to 200 test", "200 samples": a data set smaller than
 * an example limit is used whole, and the data node says so in the log), of those that applied to its graph
 * (`applies`: the limits some node of the graph obeys, KindRegistry.limitsOf): an STDP graph has no data or epochs, so
 * a Quick run of it limits nothing. 0 and absent are no limit.
 */
export function appliedLimits(limits: Readonly<Record<string, unknown>>, applies: readonly RunLimitKey[]): string[] {
  return applies.flatMap((k) => {
    const n = limits[k];
    return typeof n === 'number' && n > 0 ? [LIMIT_WORDS[k](n)] : [];
  });
}

/**
 * A run's limits as one short marker, the same words wherever a run is shown (the Run tab's pill, History's past runs,
 * `plasticity runs`, the report): "Quick run: 1 epoch · up to 200 training" for a Quick run ("Quick run: no limits apply to
 * this graph" when none of its limits applied), "limited: 2 epochs" for a run with the CLI's --epochs or --*-limit
 * that applied; '' for a full run. `applies` as for appliedLimits.
 */
export function runLimitsMarker(options: Readonly<Record<string, unknown>>, applies: readonly RunLimitKey[]): string {
  const said = appliedLimits(options, applies).join(' · ');
  if (options.quick === true) return `Quick run: ${said || 'no limits apply to this graph'}`;
  return said ? `limited: ${said}` : '';
}

/**
 * A "node.param" key (a Quick run's `set`, `--set`, `--vary`) split at its last dot, as node ids may hold dots and
 * parameter names do not; null when it is not one. Every reader of such a key splits it here.
 */
export function splitQuickKey(key: string): { node: string; param: string } | null {
  const m = QUICK_KEY.exec(key);
  return m ? { node: m[1], param: m[2] } : null;
}

/**
 * The graph as a Quick run runs it: the parameter changes of its `quick.set` made (a key naming no node is left to
 * the compiler, which reports it). The full run uses the graph as it is.
 */
export function withQuickSets(doc: GraphDocument): GraphDocument {
  const sets = Object.entries(doc.quick?.set ?? {}).flatMap(([k, v]) => {
    const where = splitQuickKey(k);
    return where ? [{ ...where, value: v }] : [];
  });
  if (!sets.length) return doc;
  const nodes = doc.nodes.map((n) => {
    const own = sets.filter((x) => x.node === n.id);
    return own.length ? { ...n, params: { ...n.params, ...Object.fromEntries(own.map((x) => [x.param, x.value])) } } : n;
  });
  return { ...doc, nodes };
}

/**
 * `doc` with parameter `param` of node `node` set to `value`, and so also in its Quick run's `set` when that sets the
 * same parameter: a change made on top of the graph (--set, a sweep's value) wins over the Quick run's own, whichever
 * way the graph then runs.
 */
export function withParam(doc: GraphDocument, node: string, param: string, value: JsonValue): GraphDocument {
  const nodes = doc.nodes.map((n) => (n.id === node ? { ...n, params: { ...n.params, [param]: value } } : n));
  const key = `${node}.${param}`;
  const set = doc.quick?.set;
  return set && Object.hasOwn(set, key) ? { ...doc, nodes, quick: { ...doc.quick, set: { ...set, [key]: value } } } : { ...doc, nodes };
}
export type Wire = z.infer<typeof wireSchema>;
export type GraphDocument = z.infer<typeof graphSchema>;

/**
 * Migrations from format version N to N+1, applied in order on load. Version 0 is the
 * pre-release layout: `edges` with `source/sourcePort/target/targetPort` and `x`/`y` on nodes.
 */
const migrations: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  0: (doc) => {
    const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
    const edges = Array.isArray(doc.edges) ? doc.edges : [];
    const { edges: _e, ...rest } = doc;
    return {
      ...rest,
      version: 1,
      nodes: nodes.map((n) => {
        if (!isRecord(n)) return n;
        const { x, y, ...others } = n;
        return typeof x === 'number' && typeof y === 'number' ? { ...others, position: [x, y] } : others;
      }),
      wires: edges.map((e) =>
        isRecord(e)
          ? { from: { node: e.source, port: e.sourcePort }, to: { node: e.target, port: e.targetPort } }
          : e,
      ),
    };
  },
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type LoadResult = { ok: true; doc: GraphDocument; migratedFrom?: number } | { ok: false; diagnostics: Diagnostic[] };

/** Parses a value (already JSON-decoded) into a graph document, migrating older versions. */
export function loadGraph(input: unknown): LoadResult {
  if (!isRecord(input)) return fail('the file is not a graph document (expected a JSON object)');
  if (input.format !== GRAPH_FORMAT)
    return fail(`the file is not a graph document (its "format" is ${JSON.stringify(input.format) ?? 'missing'}, expected "${GRAPH_FORMAT}")`);
  let doc: Record<string, unknown> = input;
  const v0 = doc.version;
  if (typeof v0 !== 'number' || !Number.isInteger(v0) || v0 < 0) return fail('the document has no valid "version"');
  if (v0 > GRAPH_VERSION)
    return {
      ok: false,
      diagnostics: [{ code: 'future_version', severity: 'error', message: `the document has format version ${v0}, newer than this program understands (${GRAPH_VERSION}); update Plasticity Lab to open it` }],
    };
  for (let v = v0; v < GRAPH_VERSION; v++) doc = migrations[v](doc);
  const parsed = graphSchema.safeParse(doc, { error: plainIssue });
  if (!parsed.success) {
    return {
      ok: false,
      diagnostics: parsed.error.issues.slice(0, 20).map((iss) => ({
        code: 'invalid_document' as const,
        severity: 'error' as const,
        ...nodeOf(doc, iss.path),
        message: `${pathText(iss.path)}: ${iss.message}`,
      })),
    };
  }
  return v0 < GRAPH_VERSION ? { ok: true, doc: parsed.data, migratedFrom: v0 } : { ok: true, doc: parsed.data };
}

/** Parses JSON text; a syntax error becomes a diagnostic, never an exception. */
export function parseGraphText(text: string): LoadResult {
  let value: unknown;
  // A byte-order mark (some Windows editors write one) is not part of the JSON.
  const json = text.replace(/^\uFEFF/, '');
  try {
    value = JSON.parse(json);
  } catch (e) {
    return fail(`the file is not valid JSON (${withLineColumn((e as Error).message, json).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')})`);
  }
  return loadGraph(value);
}

/**
 * A JSON.parse message with the line and column of its "at position N", as an editor shows them, when the message does
 * not give them already (Node 20's does not; newer engines add "(line L column C)").
 */
function withLineColumn(message: string, text: string): string {
  const m = / at position (\d+)(?! \(line)/.exec(message);
  if (!m || /\bline \d+/.test(message)) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return message.replace(m[0], `${m[0]} (line ${line} column ${column})`);
}

/** The graph in `text`, or null when there is none or it does not load (a run folder's graph.json, read back). */
export function graphOrNull(text: string | null | undefined): GraphDocument | null {
  const r = text ? parseGraphText(text) : null;
  return r?.ok ? r.doc : null;
}

/** Stable, pretty JSON: load(save(doc)) equals doc. */
export function saveGraph(doc: GraphDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function emptyGraph(name = 'untitled'): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, seed: 1, nodes: [], wires: [] };
}

function fail(message: string): LoadResult {
  return { ok: false, diagnostics: [{ code: 'invalid_document', severity: 'error', message }] };
}

/** The fields each object of a document has, by where it is: for "did you mean" on a field a file misspells. */
function fieldsAt(path: PropertyKey[]): string[] {
  const at = path.filter((p) => typeof p === 'string');
  const shape = at.length === 0 ? graphSchema.shape : at[0] === 'nodes' ? graphNodeSchema.shape : at[0] === 'wires' ? (at.length > 1 ? endpoint.shape : wireSchema.shape) : at[0] === 'quick' ? quickSchema.shape : at[0] === 'references' ? referenceSchema.shape : {};
  return Object.keys(shape);
}

const ARTICLE: Record<string, string> = { string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object', int: 'a whole number' };

/** What a JSON value is, in a word: "an object", "a list", "text", "a number", "true or false", "null". */
function whatIs(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return ARTICLE[typeof v] ?? typeof v;
}

/**
 * A document's schema problems in plain words ("is missing (it should be text)", "should be a list, not an object",
 * "has no field \"seedd\"; did you mean seed?") instead of the schema library's ("Invalid input: expected string,
 * received undefined"). Messages the schema gives itself (a seed, a node id) are kept.
 */
function plainIssue(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      const want = ARTICLE[iss.expected] ?? iss.expected;
      return iss.input === undefined ? `is missing (it should be ${want})` : `should be ${want}, not ${whatIs(iss.input)}`;
    }
    case 'too_small':
      if (iss.origin === 'array') return `should have at least ${iss.minimum} entries`;
      if (iss.origin === 'string') return Number(iss.minimum) <= 1 ? 'should not be empty' : `should have at least ${iss.minimum} characters`;
      return `should be at least ${iss.minimum}${iss.inclusive === false ? ' (not equal)' : ''}`;
    case 'too_big':
      if (iss.origin === 'array') return `should have at most ${iss.maximum} entries`;
      return `should be at most ${iss.maximum}`;
    case 'unrecognized_keys': {
      const fields = fieldsAt(iss.path ?? []);
      const near = iss.keys.length === 1 ? nearestName(iss.keys[0]!, fields) : undefined;
      return `has no field ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}; ${near ? `did you mean ${near}?` : `its fields are ${fields.join(', ')}`}`;
    }
    case 'invalid_key':
      return 'is not a "node.param" key (a node id, a dot and one of its parameters)';
    case 'invalid_value':
      return `should be ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    default:
      return undefined;
  }
}

function pathText(path: PropertyKey[]): string {
  return path.length ? path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'document';
}

function nodeOf(doc: Record<string, unknown>, path: PropertyKey[]): { node?: string } {
  if (path[0] === 'nodes' && typeof path[1] === 'number' && Array.isArray(doc.nodes)) {
    const n = doc.nodes[path[1]];
    // Not an id that cannot be one: the message names it (escaped), and a host printing `node` as it is would not.
    if (isRecord(n) && typeof n.id === 'string' && !nodeIdProblem(n.id)) return { node: n.id };
  }
  return {};
}

export type { JsonObject };

/**
 * What differs between runs: their graphs (seed, nodes, every parameter with its default filled in,
 * wires) and their run options, as rows of one value per run. History's comparison and
 * `plasticity diff` both show these rows, so a sweep's or a session's runs say what was changed
 * between them.
 */
import { type GraphDocument, withQuickSets } from './document.ts';
import type { JsonValue } from './json.ts';
import { isIdleLimit } from './kind.ts';
import type { KindRegistry } from './registry.ts';

/** One difference: `key` names what differs, `values` has one entry per run (null: absent there). */
export interface DiffRow {
  key: string;
  values: (string | null)[];
}

/** What one run is compared by: the graph it ran (null when unknown) and its run options. */
export interface DiffInput {
  doc: GraphDocument | null;
  options?: Record<string, unknown>;
}

/** Options that are not settings of the run: where it wrote, and `set` (already in the graph as it ran). */
const NOT_SETTINGS = new Set(['set', 'outDir', 'baseDir']);

// An empty text is shown "" (an MNIST node's dataDir left empty reads the embedded digits): a blank cell reads as missing.
const show = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : JSON.stringify(v));

/**
 * A node's parameters as it ran: every parameter of its kind with its default filled in, in the kind's order, then
 * any the kind does not know; `set` when the graph gives the value itself.
 */
export function effectiveParams(n: GraphDocument['nodes'][number], registry: KindRegistry): { name: string; value: JsonValue; set: boolean }[] {
  const specs = registry.get(n.kind)?.params ?? {};
  const out: { name: string; value: JsonValue; set: boolean }[] = [];
  for (const p of new Set([...Object.keys(specs), ...Object.keys(n.params)])) {
    const set = p in n.params;
    const value: JsonValue | undefined = set ? n.params[p] : specs[p]?.default;
    if (value !== undefined) out.push({ name: p, value, set });
  }
  return out;
}

/**
 * A run (a Quick run's graph with its quick.set changes made) as keys and shown values: `seed`, `<node>` (its kind), `<node>.<param>` (default filled in, so
 * a parameter saved explicitly at its default does not differ from one left out; with the node it
 * belongs to), `wire <node>.<port> → <node>.<port>`, and `option <name>` for each run option set.
 */
function* entries(input: DiffInput, registry: KindRegistry): Generator<[key: string, value: string, node?: string]> {
  // A Quick run's graph is kept without its quick.set changes: compared as it ran, with them.
  const doc = input.doc && input.options?.quick === true ? withQuickSets(input.doc) : input.doc;
  if (doc) {
    yield ['seed', show(doc.seed)];
    for (const n of doc.nodes) {
      yield [n.id, n.kind];
      for (const { name, value } of effectiveParams(n, registry)) yield [`${n.id}.${name}`, show(value), n.id];
    }
    for (const w of doc.wires) yield [`wire ${w.from.node}.${w.from.port} → ${w.to.node}.${w.to.port}`, 'wired'];
  }
  // A run limit no node of the graph obeys (--epochs on an STDP graph) changed nothing: not a difference. Nor is a Quick
  // run of a graph whose Quick run changes nothing (no limit applies and no quick.set).
  const applies = registry.limitsOfGraph(input.doc ?? null);
  const idle = (k: string): boolean =>
    isIdleLimit(k, applies) ||
    (k === 'quick' && !!input.doc && !applies.length && !Object.keys(input.doc.quick?.set ?? {}).length);
  for (const [k, v] of Object.entries(input.options ?? {})) {
    if (!NOT_SETTINGS.has(k) && v !== undefined && v !== null && !idle(k)) yield [`option ${k}`, show(v)];
  }
}

/**
 * `doc` with its nodes named as in `base` where only the ids differ: a node whose id `base` lacks takes the id of the
 * one node of its kind in `base` whose id `doc` lacks, when each is the only such node of that kind on its side (a
 * graph built from the palette, mnist1 and network1, against an example's data and net). Its kind row then says
 * which node it was ("data.mnist as mnist1"), so the match is seen.
 */
function matchIds(doc: GraphDocument, base: GraphDocument): { doc: GraphDocument; was: Map<string, string> } {
  const baseIds = new Set(base.nodes.map((n) => n.id));
  const ids = new Set(doc.nodes.map((n) => n.id));
  // The nodes of `ns` by kind, for the kinds that have exactly one.
  const alone = <T extends { kind: string }>(ns: T[]): Map<string, T> => {
    const count = new Map<string, number>();
    for (const n of ns) count.set(n.kind, (count.get(n.kind) ?? 0) + 1);
    return new Map(ns.filter((n) => count.get(n.kind) === 1).map((n) => [n.kind, n]));
  };
  const mine = alone(doc.nodes.filter((n) => !baseIds.has(n.id)));
  const theirs = alone(base.nodes.filter((n) => !ids.has(n.id)));
  const rename = new Map([...mine].flatMap(([kind, n]) => (theirs.has(kind) ? [[n.id, theirs.get(kind)!.id] as [string, string]] : [])));
  if (!rename.size) return { doc, was: new Map() };
  const to = (id: string): string => rename.get(id) ?? id;
  return {
    doc: {
      ...doc,
      nodes: doc.nodes.map((n) => ({ ...n, id: to(n.id), ...(n.parent ? { parent: to(n.parent) } : {}) })),
      wires: doc.wires.map((w) => ({ from: { ...w.from, node: to(w.from.node) }, to: { ...w.to, node: to(w.to.node) } })),
    },
    was: new Map([...rename].map(([from, id]) => [id, from])),
  };
}

/**
 * The keys whose values are not the same in every run, in the order they first appear (graph order:
 * seed, then node by node, then wires, then options). With fewer than two runs nothing differs.
 * A node missing from some run is one row (its kind, or null), not a row per parameter. A run whose
 * graph is unknown is left out of the graph keys (it has none to compare): only its options are.
 * Nodes that differ only in id (the one node of a kind that the other graph names otherwise) are
 * compared as one, under the first graph's id (matchIds).
 */
export function differences(given: DiffInput[], registry: KindRegistry): DiffRow[] {
  if (given.length < 2) return [];
  const base = given.find((i) => i.doc)?.doc;
  const matched = given.map((i) => (i.doc && base && i.doc !== base ? { input: i, ...matchIds(i.doc, base) } : { input: i, doc: i.doc, was: new Map<string, string>() }));
  const inputs = matched.map((m) => ({ ...m.input, doc: m.doc }));
  const maps = inputs.map(() => new Map<string, string>());
  const owner = new Map<string, string>();
  inputs.forEach((input, j) => {
    for (const [k, v, node] of entries(input, registry)) {
      const was = node === undefined && matched[j].was.get(k);
      maps[j].set(k, was ? `${v} as ${was}` : v);
      if (node !== undefined) owner.set(k, node);
    }
  });
  const rows: DiffRow[] = [];
  for (const key of new Set(maps.flatMap((m) => [...m.keys()]))) {
    const node = owner.get(key);
    const compared = inputs
      .map((_, j) => j)
      .filter((j) => key.startsWith('option ') || (inputs[j].doc !== null && (node === undefined || maps[j].has(node))));
    const values = maps.map((m) => m.get(key) ?? null);
    if (compared.length < 2 || compared.every((j) => values[j] === values[compared[0]])) continue;
    rows.push({ key, values });
  }
  return rows;
}

/**
 * Graph -> diagnostics or plan. Checks everything a user can get wrong (ids, kinds, wires, params,
 * scopes, cycles), then compiles nodes in topological order. A node whose inputs failed is skipped
 * so one mistake is reported once, not once per downstream node.
 */
import { type Diagnostic, type DiagnosticCode, hasErrors } from './diagnostics.ts';
import { type GraphDocument, type GraphNode, scopeRing, splitQuickKey } from './document.ts';
import type { JsonObject, JsonValue } from './json.ts';
import { type AnyNodeKind, type InputMetas, RecordedNames, type ValueMeta } from './kind.ts';
import { checkParam, type ParamSpec } from './params.ts';
import { PLAN_FORMAT, type Plan, type PlanStep } from './plan.ts';
import { canConnect } from './ports.ts';
import type { KindRegistry } from './registry.ts';
import { didYouMean, nearestName } from './suggest.ts';

export type CompileOutput =
  | { ok: true; plan: Plan; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

interface Prepared {
  node: GraphNode;
  kind: AnyNodeKind;
  params: JsonObject;
}

export function compileGraph(doc: GraphDocument, registry: KindRegistry): CompileOutput {
  const diags: Diagnostic[] = [];
  const err = (code: DiagnosticCode, message: string, node?: string, port?: string): void => {
    diags.push({ code, severity: 'error', message, ...(node !== undefined ? { node } : {}), ...(port !== undefined ? { port } : {}) });
  };
  /** An error when `value` is not one `spec` takes: "<what> <why>" (a node's own value, or one its Quick run sets). */
  const paramProblem = (spec: ParamSpec, value: JsonValue, what: string, node: string, name: string): void => {
    const problem = checkParam(spec, value);
    if (problem) err(problem.problem === 'range' ? 'param_out_of_range' : 'bad_param', `${what} ${problem.message}`, node, name);
  };

  // 1. ids, kinds, versions, params
  const prepared = new Map<string, Prepared>();
  const seen = new Set<string>();
  for (const node of doc.nodes) {
    if (seen.has(node.id)) {
      err('duplicate_id', `another node already has the id "${node.id}"; ids must be unique`, node.id);
      continue;
    }
    seen.add(node.id);
    const kind = registry.get(node.kind);
    if (!kind) {
      err('unknown_kind', `unknown node kind "${node.kind}"${suggest(node.kind, registry)}`, node.id);
      continue;
    }
    let raw: JsonObject = node.params;
    const saved = node.version ?? kind.version;
    if (saved > kind.version) {
      err('future_version', `was saved by a newer version of "${kind.title}" (v${saved}; this program has v${kind.version})`, node.id);
      continue;
    }
    if (saved < kind.version && kind.migrate) raw = kind.migrate(raw, saved);
    const params: JsonObject = {};
    for (const [name, spec] of Object.entries(kind.params as Record<string, ParamSpec>)) {
      const value: JsonValue = Object.hasOwn(raw, name) ? raw[name] : spec.default;
      paramProblem(spec, value, `parameter ${name}`, node.id, name);
      params[name] = value;
    }
    // A parameter the kind does not have is most often a typo, which would run with the default value unsaid.
    for (const name of Object.keys(raw)) {
      if (Object.hasOwn(kind.params, name)) continue;
      err('unknown_param', `"${kind.title}" has no parameter ${name}; ${didYouMean(name, Object.keys(kind.params), 'parameters')}`, node.id, name);
    }
    // Kept even with bad params so its wires are still checked; its compile is skipped below.
    prepared.set(node.id, { node, kind, params });
  }

  // 1b. the Quick run's parameter changes, checked as --set checks its own: an existing node and parameter, a value it takes.
  for (const [key, value] of Object.entries(doc.quick?.set ?? {})) {
    const where = splitQuickKey(key);
    const p = where && prepared.get(where.node);
    // A node whose kind or version is wrong has its own error already.
    if (where && !p && doc.nodes.some((n) => n.id === where.node)) continue;
    if (!where || !p) {
      err('invalid_graph', `the Quick run sets ${key}, but the graph has no node ${where?.node ?? key}; ${didYouMean(where?.node ?? key, doc.nodes.map((n) => n.id), 'nodes')}`);
      continue;
    }
    if (!Object.hasOwn(p.kind.params, where.param)) {
      err('bad_param', `the Quick run sets ${key}, but "${p.kind.title}" has no parameter ${where.param}; ${didYouMean(where.param, Object.keys(p.kind.params), 'parameters')}`, where.node);
      continue;
    }
    paramProblem((p.kind.params as Record<string, ParamSpec>)[where.param], value, `the Quick run's ${where.param}`, where.node, where.param);
  }

  // 2. scopes. `placed`: the nodes inside a loop scope that can hold them (the scope runs after them).
  const placed = new Set<string>();
  for (const { node } of prepared.values()) {
    if (node.parent === undefined) continue;
    const parent = prepared.get(node.parent);
    if (!parent) {
      if (!seen.has(node.parent)) err('bad_scope', `is placed inside "${node.parent}", which does not exist`, node.id);
    } else if (!parent.kind.scope) {
      err('bad_scope', `is placed inside "${node.parent}", a ${parent.kind.title}, which is not a loop scope`, node.id);
    } else if (node.parent === node.id) {
      err('bad_scope', 'cannot be placed inside itself', node.id);
    } else {
      // Scopes inside each other in a ring (a inside b, b inside a): no scope is outermost.
      const ring = scopeRing(node.id, (id) => prepared.get(id)?.node.parent);
      if (ring) err('bad_scope', `is inside a ring of loop scopes (${ring.join(' inside ')}): one of them must be outside the others`, node.id);
      else placed.add(node.id);
    }
  }

  // 3. wires
  const incoming = new Map<string, Map<string, { node: string; port: string }[]>>();
  const edges = new Map<string, Set<string>>(); // node -> nodes that must run after it
  const addEdge = (a: string, b: string): void => {
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  };
  // Inputs that have a wire, good or not: a bad wire is reported as such, not again as a missing one.
  const attempted = new Set(doc.wires.map((w) => `${w.to.node}.${w.to.port}`));
  for (const [i, w] of doc.wires.entries()) {
    const from = prepared.get(w.from.node);
    const to = prepared.get(w.to.node);
    if (!seen.has(w.from.node) || !seen.has(w.to.node)) {
      const missing = !seen.has(w.from.node) ? w.from.node : w.to.node;
      err('dangling_wire', `wire ${i + 1} (${w.from.node}.${w.from.port} -> ${w.to.node}.${w.to.port}) refers to node "${missing}", which does not exist`, seen.has(w.to.node) ? w.to.node : seen.has(w.from.node) ? w.from.node : undefined, seen.has(w.to.node) ? w.to.port : undefined);
      continue;
    }
    if (!from || !to) continue; // unknown kind, already reported
    // Own ports only: "constructor" or "hasOwnProperty" are not ports, though every object has them.
    const out = Object.hasOwn(from.kind.outputs, w.from.port) ? from.kind.outputs[w.from.port] : undefined;
    const inp = Object.hasOwn(to.kind.inputs, w.to.port) ? to.kind.inputs[w.to.port] : undefined;
    if (!out) {
      err('unknown_port', `"${from.kind.title}" has no output "${w.from.port}" (it has ${listOr(Object.keys(from.kind.outputs))})`, from.node.id, w.from.port);
      continue;
    }
    if (!inp) {
      err('unknown_port', `"${to.kind.title}" has no input "${w.to.port}" (it has ${listOr(Object.keys(to.kind.inputs))})`, to.node.id, w.to.port);
      continue;
    }
    const c = canConnect(out.type, inp.type);
    if (!c.ok) {
      err('incompatible_wire', `cannot take ${w.from.node}.${w.from.port}: ${c.reason}`, to.node.id, w.to.port);
      continue;
    }
    if (!incoming.has(to.node.id)) incoming.set(to.node.id, new Map());
    const ports = incoming.get(to.node.id)!;
    const list = ports.get(w.to.port) ?? [];
    if (list.length >= 1 && !inp.multiple) {
      err('too_many_wires', `input ${w.to.port} takes one wire but has several`, to.node.id, w.to.port);
      continue;
    }
    list.push(w.from);
    ports.set(w.to.port, list);
    addEdge(from.node.id, to.node.id);
  }
  for (const { node } of prepared.values()) if (placed.has(node.id)) addEdge(node.id, node.parent!);

  // 4. required inputs
  for (const { node, kind } of prepared.values()) {
    for (const [name, spec] of Object.entries(kind.inputs)) {
      if (!spec.optional && !attempted.has(`${node.id}.${name}`))
        err('required_input_missing', `input ${name} (${spec.type}) must be wired`, node.id, name);
    }
  }

  // 5. topological order (Kahn); what is left over sits on a cycle or downstream of one
  const order = topoOrder([...prepared.keys()], edges);
  for (const path of cyclesAmong(order.cycle, edges)) {
    const scopeHint = path.some((n) => prepared.get(n)?.node.parent) ? ' (a node inside a loop scope cannot use the output of that scope)' : '';
    const text = [...path, path[0]].join(' -> ');
    for (const n of path)
      err('cycle', `is on a cycle of wires (${text})${scopeHint}; iteration belongs in a loop scope or an iteration parameter, not in a cycle`, n);
  }

  // 6. compile in order
  const values = new Map<string, ValueMeta>();
  const failed = new Set<string>();
  const steps = new Map<string, PlanStep>();
  for (const id of order.order) {
    const p = prepared.get(id)!;
    const wired = incoming.get(id) ?? new Map<string, { node: string; port: string }[]>();
    let upstreamFailed = failed.has(id);
    const inputs: InputMetas = {};
    const inputRefs: Record<string, string | string[]> = {};
    for (const [name, spec] of Object.entries(p.kind.inputs)) {
      const srcs = wired.get(name) ?? [];
      const metas: ValueMeta[] = [];
      for (const s of srcs) {
        const v = values.get(`${s.node}.${s.port}`);
        if (!v) upstreamFailed = true;
        else if (typeof v.info.empty === 'string') {
          // A split its node knows to be empty (say, no validation digits held out): refused now, not after training.
          err('invalid_graph', `${s.node}.${s.port} holds no examples: ${v.info.empty}`, id, name);
          upstreamFailed = true;
        } else metas.push(v);
      }
      if (!srcs.length) {
        // Required and without a wire that holds (a refused one is reported where it was refused): not compiled.
        if (!spec.optional) upstreamFailed = true;
        continue;
      }
      inputs[name] = spec.multiple ? metas : metas[0];
      inputRefs[name] = spec.multiple ? srcs.map((s) => `${s.node}.${s.port}`) : `${srcs[0].node}.${srcs[0].port}`;
    }
    if (upstreamFailed || hasNodeError(diags, id)) {
      failed.add(id);
      continue;
    }
    let nodeFailed = false;
    const ctx = {
      nodeId: id,
      error(message: string, port?: string, code: 'incompatible_shape' | 'invalid_graph' = 'incompatible_shape') {
        nodeFailed = true;
        err(code, message, id, port);
      },
      warn(message: string, port?: string) {
        diags.push({ code: 'invalid_graph', severity: 'warning', node: id, ...(port ? { port } : {}), message });
      },
    };
    const res = p.kind.compile(ctx, inputs, p.params);
    if (nodeFailed || !res) {
      failed.add(id);
      continue;
    }
    const outputs: PlanStep['outputs'] = {};
    for (const [name, spec] of Object.entries(p.kind.outputs)) {
      const info = res.outputs[name] ?? {};
      outputs[name] = { type: spec.type, info };
      values.set(`${id}.${name}`, { type: spec.type, ref: `${id}.${name}`, info });
    }
    const params = res.resolved ? { ...p.params, ...res.resolved } : p.params;
    const inputSigs = Object.values(inputRefs).flat().map((r) => steps.get(r.slice(0, r.lastIndexOf('.')))?.signature ?? r);
    steps.set(id, {
      node: id,
      kind: p.kind.kind,
      ...(p.node.label ? { label: p.node.label } : {}),
      params,
      inputs: inputRefs,
      outputs,
      signature: hash(JSON.stringify([p.kind.kind, p.kind.version, params, inputSigs, doc.seed])),
      ...(p.kind.scope ? { scope: p.kind.scope, body: [] } : {}),
    });
  }

  // 6b. what the nodes record: two writing the same metric or picture name would overwrite each other.
  const writers = new RecordedNames();
  for (const id of order.order) {
    if (failed.has(id)) continue;
    const p = prepared.get(id)!;
    // (with what the node's compile resolved: a trainer knows its model's modules only then)
    for (const r of p.kind.records?.(steps.get(id)!.params as typeof p.params, id, new Set(incoming.get(id)?.keys() ?? [])) ?? []) {
      const first = writers.claim(r.what, r.name, id);
      if (first) err('invalid_graph', `the ${r.what} "${r.name}" is also ${r.what === 'file' ? 'written' : 'recorded'} by ${first}; give one of them another name`, id, r.param);
    }
  }

  // 6c. a node that measures or draws something (a metric, series or picture output), records nothing itself and has
  // none of its outputs wired: the run would compute its results and keep none of them (a Reconstruction error with
  // no Metric node after it). A warning: the graph runs, but the user surely meant to see the result.
  const feeding = new Set(doc.wires.map((w) => w.from.node));
  for (const id of order.order) {
    if (failed.has(id) || feeding.has(id)) continue;
    const p = prepared.get(id)!;
    const shown = Object.entries(p.kind.outputs).filter(([, s]) => s.type in RECORDER);
    if (!shown.length) continue;
    if ((p.kind.records?.(steps.get(id)!.params as typeof p.params, id, new Set(incoming.get(id)?.keys() ?? [])) ?? []).some((r) => r.what !== 'file')) continue;
    const how = shown.map(([name, s]) => `${name} to a ${RECORDER[s.type as keyof typeof RECORDER]} node`).join(', ');
    diags.push({
      code: 'invalid_graph',
      severity: 'warning',
      node: id,
      message: `nothing is wired to its outputs, so a run computes ${shown.length > 1 ? 'its results' : 'its result'} and records nothing; wire ${how}`,
    });
  }

  if (hasErrors(diags)) return { ok: false, diagnostics: diags };

  // 7. nest body steps inside their scope, keeping execution order
  const top: PlanStep[] = [];
  for (const id of order.order) {
    const s = steps.get(id)!;
    const parent = prepared.get(id)!.node.parent;
    if (parent && steps.get(parent)?.body) steps.get(parent)!.body!.push(s);
    else top.push(s);
  }
  return { ok: true, plan: { format: PLAN_FORMAT, version: 1, graph: doc.name, seed: doc.seed, steps: top }, diagnostics: diags };
}

/** The output node that records a value of each of these types, for a node whose results are wired to nothing. */
const RECORDER = { metric: 'Metric', series: 'Series', image: 'Picture' } as const;

function hasNodeError(diags: Diagnostic[], id: string): boolean {
  return diags.some((d) => d.node === id && d.severity === 'error');
}

function topoOrder(ids: string[], edges: Map<string, Set<string>>): { order: string[]; cycle: string[] } {
  const indeg = new Map<string, number>(ids.map((i) => [i, 0]));
  for (const [, tos] of edges) for (const t of tos) indeg.set(t, (indeg.get(t) ?? 0) + 1);
  // Stable: among ready nodes, keep document order.
  const ready = ids.filter((i) => indeg.get(i) === 0);
  const order: string[] = [];
  while (ready.length) {
    const n = ready.shift()!;
    order.push(n);
    for (const t of edges.get(n) ?? []) {
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) {
        // insert keeping document order
        const pos = ready.findIndex((r) => ids.indexOf(r) > ids.indexOf(t));
        if (pos < 0) ready.push(t);
        else ready.splice(pos, 0, t);
      }
    }
  }
  const cycle = ids.filter((i) => !order.includes(i));
  return { order, cycle };
}

/**
 * The cycles among `left` (the nodes a topological sort could not order): one shortest cycle per group of
 * nodes that reach each other, in document order. Nodes only downstream of a cycle are on none.
 */
function cyclesAmong(left: string[], edges: Map<string, Set<string>>): string[][] {
  const inLeft = new Set(left);
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const start of left) {
    if (done.has(start)) continue;
    // Breadth-first from start: the first way back to it is a shortest cycle through it.
    const prev = new Map<string, string>();
    const queue = [start];
    let back: string | null = null;
    while (queue.length && back === null) {
      const n = queue.shift()!;
      for (const t of edges.get(n) ?? []) {
        if (!inLeft.has(t)) continue;
        if (t === start) {
          back = n;
          break;
        }
        if (!prev.has(t)) {
          prev.set(t, n);
          queue.push(t);
        }
      }
    }
    if (back === null) continue; // start is downstream of a cycle, not on one
    const path = [back];
    while (path[0] !== start) path.unshift(prev.get(path[0])!);
    cycles.push(path);
    // Every node that reaches start and is reached from it shares its cycle group: not reported twice.
    for (const n of reachingBoth(start, inLeft, edges)) done.add(n);
  }
  return cycles;
}

/** The nodes of `within` that `start` reaches and that reach `start` (its strongly connected component). */
function reachingBoth(start: string, within: Set<string>, edges: Map<string, Set<string>>): Set<string> {
  const reach = (next: (n: string) => Iterable<string>): Set<string> => {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) {
      for (const t of next(stack.pop()!)) {
        if (!within.has(t) || seen.has(t)) continue;
        seen.add(t);
        stack.push(t);
      }
    }
    return seen;
  };
  const forward = reach((n) => edges.get(n) ?? []);
  const backward = reach((n) => [...within].filter((m) => edges.get(m)?.has(n)));
  return new Set([...forward].filter((n) => backward.has(n)));
}

/** FNV-1a, 64-bit as two 32-bit halves; a cache key, not a security hash. */
export function hash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (c + i), 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function listOr(xs: string[]): string {
  return xs.length ? xs.join(', ') : 'none';
}

/**
 * The kind id nearest to one that names none: one whose last part it is or contains ("encoder" → layers.encoder),
 * else a typo's (ebm.netwrk → ebm.network, nearestName's measure); undefined when none is near.
 */
export function nearestKind(kind: string, registry: KindRegistry): string | undefined {
  const tail = kind.split('.').pop() ?? kind;
  const ids = registry.all().map((k) => k.kind);
  return ids.find((id) => id.endsWith(`.${tail}`) || id.includes(tail)) ?? nearestName(kind, ids);
}

/** "; did you mean "layers.encoder"?" for a kind id that names none but is close to one (nearestKind), else ''. */
export function suggest(kind: string, registry: KindRegistry): string {
  const near = nearestKind(kind, registry);
  return near ? `; did you mean "${near}"?` : '';
}

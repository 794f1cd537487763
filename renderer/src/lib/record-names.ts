/**
 * A node added in the editor (from the palette, pasted, duplicated) takes names for what it records that no other node
 * in the graph records already: a second Metric is "metric2", not a second "metric" the compiler would refuse at once
 * ("also recorded by metric1"). Only the parameters that name a record (NodeKind.records' `param`) and are text are
 * changed, and only when they clash; a kind's default, and a file as it is opened, stay as they are.
 */
import type { AnyNodeKind, JsonObject, ParamSpec, Recorded } from '../../../nodes/core/index.ts';

/** A node as the check reads it: its id, kind, params as saved (defaults left out) and wired inputs. */
export interface RecordingNode {
  id: string;
  kind: AnyNodeKind;
  params: JsonObject;
  wired?: ReadonlySet<string>;
}

function recordsOf(n: RecordingNode): Recorded[] {
  if (!n.kind.records) return [];
  const values: JsonObject = {};
  for (const [name, spec] of Object.entries(n.kind.params as Record<string, ParamSpec>)) values[name] = Object.hasOwn(n.params, name) ? n.params[name] : spec.default;
  try {
    return n.kind.records(values, n.id, n.wired ?? new Set());
  } catch {
    // Params the kind cannot read (a bad value the compiler will name): nothing to compare.
    return [];
  }
}

const key = (r: Recorded): string => `${r.what}:${r.name}`;

/**
 * `node`'s params, with each text parameter that names a metric or picture some node of `others` records already
 * renamed to the first free name of its stem and a number ("metric" → "metric2", "metric2" → "metric3"); the params
 * themselves (the same object) when nothing clashes.
 */
export function freshRecordNames(node: RecordingNode, others: readonly RecordingNode[]): JsonObject {
  if (!node.kind.records) return node.params;
  const taken = new Set(others.flatMap((o) => recordsOf(o).map(key)));
  const specs = node.kind.params as Record<string, ParamSpec>;
  const clashing = (params: JsonObject, param: string): boolean => recordsOf({ ...node, params }).some((r) => r.param === param && taken.has(key(r)));
  let params = node.params;
  for (const param of new Set(recordsOf(node).flatMap((r) => (r.param && taken.has(key(r)) ? [r.param] : [])))) {
    const value = Object.hasOwn(params, param) ? params[param] : specs[param]?.default;
    if (specs[param]?.type !== 'string' || typeof value !== 'string') continue;
    const stem = value.replace(/\d+$/, '') || value;
    for (let i = 2; i < 10_000; i++) {
      const next = { ...params, [param]: `${stem}${i}` };
      if (!clashing(next, param)) {
        params = next;
        break;
      }
    }
  }
  return params;
}

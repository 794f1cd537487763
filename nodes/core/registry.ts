/** A registry of node kinds keyed by their stable id; a duplicate id is a programming error. */
import { type AnyNodeKind, type Category, RUN_LIMIT_KEYS, type RunLimitKey } from './kind.ts';

export class KindRegistry {
  private readonly kinds = new Map<string, AnyNodeKind>();

  constructor(kinds: readonly AnyNodeKind[] = []) {
    for (const k of kinds) this.register(k);
  }

  register(k: AnyNodeKind): void {
    if (this.kinds.has(k.kind)) throw new Error(`node kind "${k.kind}" is registered twice`);
    this.kinds.set(k.kind, k);
  }

  get(kind: string): AnyNodeKind | undefined {
    return this.kinds.get(kind);
  }

  has(kind: string): boolean {
    return this.kinds.has(kind);
  }

  all(): AnyNodeKind[] {
    return [...this.kinds.values()];
  }

  /** The run limits that some node of these kinds obeys, in RUN_LIMIT_KEYS's order (unknown kinds obey none). */
  limitsOf(kinds: Iterable<string>): RunLimitKey[] {
    const used = new Set<RunLimitKey>();
    for (const k of kinds) for (const l of this.kinds.get(k)?.limits ?? []) used.add(l);
    return RUN_LIMIT_KEYS.filter((l) => used.has(l));
  }

  /** The run limits some node of `graph` obeys; all of them when the graph is not known (a run folder without graph.json). */
  limitsOfGraph(graph: { nodes: readonly { kind: string }[] } | null): readonly RunLimitKey[] {
    return graph ? this.limitsOf(graph.nodes.map((n) => n.kind)) : RUN_LIMIT_KEYS;
  }

  byCategory(): Map<Category, AnyNodeKind[]> {
    const m = new Map<Category, AnyNodeKind[]>();
    for (const k of this.kinds.values()) {
      const list = m.get(k.category) ?? [];
      list.push(k);
      m.set(k.category, list);
    }
    return m;
  }
}

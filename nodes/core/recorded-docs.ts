/**
 * What each metric and picture of a run is, in words, from the graph that ran: the run panel's tooltips and captions
 * and the report show it, so `parzen_ll_mixture_directed_stderr` or `inpainting.png` is not a bare name.
 */
import type { Recorded } from './kind.ts';
import type { Plan, PlanStep } from './plan.ts';
import { flattenSteps } from './plan.ts';
import type { KindRegistry } from './registry.ts';

const PASSED_ON = new Set(['metric', 'series', 'image', 'samples']);

export interface RecordedDocs {
  /** By metric name. */
  metrics: Record<string, string>;
  /** By picture name (without .png). */
  pictures: Record<string, string>;
}

/**
 * Each recorded name's description: the kind's own words for it (Recorded.doc) or, for a node that passes on one
 * wired value (Metric, Series, Image grid …), the doc of the output wired into it, and the node it comes from; then the
 * node that records it. A name without either says only its node.
 */
export function recordedDocs(plan: Plan, registry: KindRegistry): RecordedDocs {
  const steps = flattenSteps(plan.steps);
  const byId = new Map(steps.map((s) => [s.node, s]));
  const named = (s: PlanStep): string => {
    const title = s.label ?? registry.get(s.kind)?.title ?? s.kind;
    return title === s.node ? s.node : `${title} (${s.node})`;
  };
  /** The doc of the one output wired into `step`, with the node it comes from; '' when it takes none or several. */
  const passedOn = (step: PlanStep): string => {
    const refs = Object.values(step.inputs);
    if (refs.length !== 1 || Array.isArray(refs[0])) return '';
    const ref = refs[0]!;
    const dot = ref.lastIndexOf('.');
    const from = byId.get(ref.slice(0, dot));
    if (!from) return '';
    const port = ref.slice(dot + 1);
    const spec = registry.get(from.kind)?.outputs[port];
    // A value passed on as it is (a metric, a series, a picture, samples drawn); a node that draws a model (Filters)
    // records something else than its input.
    if (!spec || !PASSED_ON.has(spec.type)) return '';
    const doc = spec.doc ?? '';
    return `${doc ? `${doc} ` : ''}From ${named(from)}, output ${port}.`;
  };
  const out: RecordedDocs = { metrics: {}, pictures: {} };
  for (const step of steps) {
    const kind = registry.get(step.kind);
    let recorded: Recorded[] = [];
    try {
      recorded = kind?.records?.(step.params as never, step.node, new Set(Object.keys(step.inputs))) ?? [];
    } catch {
      continue;
    }
    for (const r of recorded) {
      if (r.what === 'file') continue;
      const what = r.doc ?? passedOn(step);
      (r.what === 'metric' ? out.metrics : out.pictures)[r.name] = `${what ? `${what} ` : ''}Recorded by ${named(step)}.`;
    }
  }
  return out;
}

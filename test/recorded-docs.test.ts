// What each metric and picture of a run is, in words (recordedDocs): the run panel's tooltips and captions show it.
// Every example's every recorded name has a description, and a node that passes a value on (Metric, Series, Image
// grid) takes its description from the output wired into it, never from a model it draws (Filters).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGraph, graphOrNull, type Plan, recordedDocs } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';

const root = join(import.meta.dirname, '..');
const registry = createRegistry();
function planOf(name: string): Plan {
  const r = compileGraph(graphOrNull(readFileSync(join(root, 'examples', name), 'utf8'))!, registry);
  if (!r.ok) throw new Error(`${name} does not compile`);
  return r.plan;
}

describe('recordedDocs', () => {
  it('describes every metric and picture of every example, and names the node that records it', () => {
    for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.json'))) {
      const docs = recordedDocs(planOf(file), registry);
      const all = { ...docs.metrics, ...docs.pictures };
      expect(Object.keys(all).length, file).toBeGreaterThan(0);
      for (const [name, text] of Object.entries(all)) {
        expect(text, `${file}: ${name}`).toMatch(/^\S.*\. Recorded by .+\)\.$/);
        expect(text.startsWith('Recorded by'), `${file}: ${name} has no description`).toBe(false);
      }
    }
  });

  it('a Metric node says what is wired into it; Filters draws a model, not passes it on', () => {
    const docs = recordedDocs(planOf('bengio2015-mnist.json'), registry);
    expect(docs.metrics.parzen_ll).toMatch(/^Mean log-likelihood of the test digits \(nats per digit\).* From Parzen \(GENERATE\) \(parzen\), output ll\. Recorded by Metric \(m_ll\)\.$/);
    expect(docs.metrics.recon_mse).toContain('g1(f1(x))');
    expect(docs.pictures.f1_filters).toMatch(/^The encoder f1's weights into the first h1 units/);
    expect(docs.pictures.f1_filters).not.toContain('The trained model');
    const inpaint = recordedDocs(planOf('bengio2015-inpainting.json'), registry);
    expect(inpaint.pictures.inpainting).toContain('rows: the original, the masked digit');
  });

  it('a kind that records its own names says what each is, after its parameters', () => {
    const docs = recordedDocs(planOf('eqprop-mnist.json'), registry);
    expect(docs.metrics.test_error).toMatch(/^Classification error, a fraction: the examples relaxed from zero .* the output unit with the largest input\. Recorded by Test error \(eval\)\.$/);
    expect(docs.metrics.test_error_stored).toContain('each relaxed from its own stored state');
    expect(docs.metrics.test_error_zero).toContain('each relaxed from zero');
    // Algorithm 2's trainer names its losses after the model's modules, as the progress reports do.
    const b15 = recordedDocs(planOf('bengio2015-mnist.json'), registry);
    expect(b15.metrics.loss_f1).toMatch(/^The encoder f1's local loss \|\|f1\(~x\) - h1\|\|\^2 per epoch .* Recorded by .*\(train\)\.$/);
    expect(b15.metrics.loss_g2).toContain("The decoder g2's local loss ||g2(~h2) - h1||^2 per epoch");
    expect(Object.keys(b15.metrics).filter((k) => k.startsWith('loss_')).sort()).toEqual(['loss_f1', 'loss_f2', 'loss_g1', 'loss_g2']);
  });

  it("a Metric named as a trainer's local loss is refused when the graph compiles", () => {
    const doc = graphOrNull(readFileSync(join(root, 'examples', 'bengio2015-mnist.json'), 'utf8'))!;
    doc.nodes.find((n) => n.id === 'm_recon')!.params.name = 'loss_g1';
    const r = compileGraph(doc, registry);
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ node: 'm_recon', message: 'the metric "loss_g1" is also recorded by train; give one of them another name' }));
  });
});

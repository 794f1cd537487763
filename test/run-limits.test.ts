// Which run limits (the Quick run's, the CLI's --epochs and --*-limit) apply to a graph: each kind declares the limits
// its run obeys (NodeKind.limits), the engine refuses a run that reads an undeclared one, and the app and the CLI say
// only the limits that applied (an STDP graph has no data or epochs: a Quick run of it limits nothing).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../nodes/cli/main.ts';
import { appliedLimits, graphOrNull, runLimitsMarker, PLAN_FORMAT, type Plan } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { runPlan } from '../nodes/runtime/engine.ts';
import type { OpImpl } from '../nodes/runtime/op.ts';

const root = join(import.meta.dirname, '..');
const registry = createRegistry();
const kindsOf = (name: string): string[] => graphOrNull(readFileSync(join(root, 'examples', `${name}.json`), 'utf8'))!.nodes.map((n) => n.kind);

describe('the limits a graph obeys', () => {
  it('STDP graphs none; EqProp epochs and its data; the 2015 graph also its samples', () => {
    expect(registry.limitsOf(kindsOf('stdp-curve'))).toEqual([]);
    expect(registry.limitsOf(kindsOf('stdp-rate-vs-spike'))).toEqual([]);
    expect(registry.limitsOf(kindsOf('eqprop-mnist'))).toEqual(['epochs', 'trainLimit', 'testLimit']);
    expect(registry.limitsOf(kindsOf('bengio2015-mnist'))).toEqual(['epochs', 'trainLimit', 'testLimit', 'sampleLimit']);
    expect(registry.limitsOf(['no.such_kind'])).toEqual([]);
  });

  it('says the limits that applied, in order, and skips 0 and absent ones', () => {
    const quick = { epochs: 1, trainLimit: 200, testLimit: 0, sampleLimit: 1, quick: true };
    expect(appliedLimits(quick, ['epochs', 'trainLimit', 'testLimit', 'sampleLimit'])).toEqual(['1 epoch', 'up to 200 training', '1 sample']);
    expect(appliedLimits({ epochs: 3, sampleLimit: 50 }, ['epochs', 'sampleLimit'])).toEqual(['3 epochs', '50 samples']);
    expect(appliedLimits(quick, [])).toEqual([]);
  });

  it('says a run\'s limits as one marker, the same words everywhere a run is shown', () => {
    const quick = { epochs: 1, trainLimit: 200, testLimit: 200, sampleLimit: 200, quick: true };
    expect(runLimitsMarker(quick, ['epochs', 'trainLimit'])).toBe('Quick run: 1 epoch · up to 200 training');
    expect(runLimitsMarker(quick, [])).toBe('Quick run: no limits apply to this graph');
    expect(runLimitsMarker({ epochs: 2 }, ['epochs', 'trainLimit'])).toBe('limited: 2 epochs');
    expect(runLimitsMarker({ epochs: 2 }, [])).toBe('');
    expect(runLimitsMarker({ outDir: 'x' }, ['epochs'])).toBe('');
  });
});

describe('the engine holds kinds to their declared limits', () => {
  const planOf = (kind: string): Plan => ({
    format: PLAN_FORMAT,
    version: 1,
    graph: 'g',
    seed: 1,
    steps: [{ node: 'n', kind, params: {}, inputs: {}, outputs: {}, signature: 's' }],
  });
  const reading =
    (key: 'epochs' | 'trainLimit'): OpImpl =>
    async (ctx) => {
      void ctx.options[key];
      void ctx.options.outDir;
      return {};
    };

  it('a catalog kind reading a limit it does not declare fails the run, naming the kind and the limit', async () => {
    const s = await runPlan({ plan: planOf('stdp.neuron_fig1'), backend: 'cpu', options: { epochs: 1 }, ops: { 'stdp.neuron_fig1': reading('epochs') } });
    expect(s.status).toBe('error');
    expect(s.error).toContain('node kind "stdp.neuron_fig1" reads the run limit epochs but does not declare it');
    const t = await runPlan({ plan: planOf('ebm.eqprop_train'), backend: 'cpu', options: {}, ops: { 'ebm.eqprop_train': reading('trainLimit') } });
    expect(t.error).toContain('reads the run limit trainLimit');
  });

  it('a declared limit, other options, and kinds outside the catalog read freely', async () => {
    const s = await runPlan({ plan: planOf('ebm.eqprop_train'), backend: 'cpu', options: { epochs: 2 }, ops: { 'ebm.eqprop_train': reading('epochs') } });
    expect(s.status).toBe('done');
    const t = await runPlan({ plan: planOf('test.own_kind'), backend: 'cpu', options: {}, ops: { 'test.own_kind': reading('trainLimit') } });
    expect(t.status).toBe('done');
  });
});

describe('the CLI warns of run options the graph does not obey', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'plasticity-run-limits-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
    let err = '';
    const code = await main(argv, { out: () => {}, err: (s) => void (err += s) });
    return { code, err };
  }
  const warnings = (err: string): string[] => err.split('\n').filter((l) => l.startsWith('warning: '));

  it('names each option that changes nothing, and runs anyway', async () => {
    const curve = join(root, 'examples', 'stdp-curve.json');
    const r = await cli('run', curve, '--set', 'neuron.trials=200', '--epochs', '2', '--test-limit', '10', '--sample-limit', '5', '--data-dir', tmp, '--quiet', '--out', join(tmp, 'a'));
    expect(r.code).toBe(0);
    expect(warnings(r.err)).toEqual([
      'warning: --epochs changes nothing: no node of this graph obeys it (none trains for epochs)',
      'warning: --test-limit changes nothing: no node of this graph obeys it (none reads test data)',
      'warning: --sample-limit changes nothing: no node of this graph obeys it (none draws samples)',
      'warning: --data-dir changes nothing: this graph has no MNIST node',
    ]);
  });

  it('says nothing of options the graph obeys (EqProp: --epochs 0 and its data limits)', async () => {
    const eqprop = join(root, 'examples', 'eqprop-mnist.json');
    const r = await cli('run', eqprop, '--epochs', '0', '--train-limit', '20', '--test-limit', '20', '--quiet', '--out', join(tmp, 'b'));
    expect(r.code).toBe(0);
    expect(warnings(r.err)).toEqual([]);
    const sweep = await cli('sweep', eqprop, '--epochs', '0', '--test-limit', '20', '--sample-limit', '3', '--out', join(tmp, 'c'));
    expect(sweep.code).toBe(0);
    expect(warnings(sweep.err)).toEqual(['warning: --sample-limit changes nothing: no node of this graph obeys it (none draws samples)']);
  });
});

// The `plasticity` command's options and their mistakes, as a user meets them: limits of 0, where a graph's
// problems are printed, output paths that are files or folders, usage errors, the sd of one run, a relative
// --data-dir, --vary's errors, --version and repeated --vary values. main(argv, io) is called directly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { main } from '../nodes/cli/main.ts';
import { cli, lines, notIdxFolder } from './support/cli.ts';
import { LOCK_FILE, takeOverStale } from '../nodes/runtime/out-lock.ts';
import { formatGroups, parseVary } from '../nodes/cli/sweep.ts';
import { readSweep } from '../nodes/cli/sweep-file.ts';
import { seedStats, stats } from '../nodes/core/stats.ts';
import type { GraphDocument } from '../nodes/core/document.ts';

const root = join(import.meta.dirname, '..');
const example = (name: string): string => join(root, 'examples', name);
const eqprop = example('eqprop-mnist.json');
const stdp = example('stdp-rate-vs-spike.json');
const curve = example('stdp-curve.json');
/** stdp-rate-vs-spike in a second or two. */
const smallStdp = ['--set', 'rates.sequences=40', '--set', 'sim.trains=40'];

const summaryOf = (dir: string): { status: string; options: Record<string, unknown> } => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'plasticity-cli-options-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('limits of 0 and --parallel 0 (finding 6)', () => {
  it('--train-limit 0, --test-limit 0 and --sample-limit 0 mean no limit: they lift --quick\'s caps, and summary.json records none', async () => {
    const doc = JSON.parse(readFileSync(eqprop, 'utf8')) as GraphDocument;
    const graph = join(tmp, 'eqprop-quick.json');
    writeFileSync(graph, JSON.stringify({ ...doc, quick: { trainLimit: 300, testLimit: 100 } }));
    const out = join(tmp, 'limits-0');
    // --epochs 0: no training, so the whole embedded test set (2,000 digits) is the only cost.
    const r = await cli('run', graph, '--quick', '--epochs', '0', '--train-limit', '0', '--test-limit', '0', '--sample-limit', '0', '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    const options = summaryOf(out).options;
    expect(options.epochs).toBe(0);
    for (const k of ['trainLimit', 'testLimit', 'sampleLimit']) expect(options, k).not.toHaveProperty(k);
    // The evaluator saw every test digit, not --quick's 100.
    expect(r.err).toMatch(/^eval: test_error [\d.]+ \(\d+ of 2000 wrong/m);
  });

  it('--parallel 0 is refused: it must be at least 1', async () => {
    const out = join(tmp, 'parallel-0');
    const r = await cli('sweep', stdp, ...smallStdp, '--parallel', '0', '--out', out);
    expect(r.code).toBe(2);
    expect(lines(r.err)[0]).toBe("error: option '--parallel <n>' argument '0' is invalid. must be a whole number, at least 1");
    expect(readdirSync(tmp)).not.toContain('parallel-0');
  });
});

describe('a graph\'s problems are errors on stderr for run, sweep and plan (finding 7)', () => {
  // eqprop-mnist without the wire into the trainer's data input.
  const broken = (): string => {
    const doc = JSON.parse(readFileSync(eqprop, 'utf8')) as GraphDocument;
    const p = join(tmp, 'broken.json');
    writeFileSync(p, JSON.stringify({ ...doc, wires: doc.wires.filter((x) => !(x.to.node === 'train' && x.to.port === 'data')) }));
    return p;
  };

  it('run: nothing on stdout, "error: node.port: message" on stderr, exit 1', async () => {
    const r = await cli('run', broken(), '--quick', '--out', join(tmp, 'broken-run'));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(lines(r.err)).toContain('error: train.data: input data (dataset) must be wired');
  });

  it('sweep (every combination is checked first) and plan: the same', async () => {
    const sw = await cli('sweep', broken(), '--vary', 'nudge.beta=[0.5, 1]', '--out', join(tmp, 'broken-sweep'));
    expect(sw.code).toBe(1);
    expect(sw.out).toBe('');
    expect(lines(sw.err)).toContain('error: train.data: input data (dataset) must be wired');
    const plan = await cli('plan', broken());
    expect(plan.code).toBe(1);
    expect(plan.out).toBe('');
    expect(lines(plan.err)).toContain('error: train.data: input data (dataset) must be wired');
  });

  it('validate still prints its problems on stdout, as its result', async () => {
    const r = await cli('validate', broken());
    expect(r.code).toBe(1);
    expect(r.out).toBe('train.data: input data (dataset) must be wired\n');
  });
});

describe('output paths that are files or folders (finding 8)', () => {
  it('run and sweep --out a file, or under a file: one line naming --out and the path, then where the options are, exit 2', async () => {
    const f = join(tmp, 'afile');
    writeFileSync(f, 'x');
    const cases: [string[], string][] = [
      [['run', curve, '--quiet', '--out', f], `error: --out ${f}: is a file, not a folder`],
      [['run', curve, '--quiet', '--out', join(f, 'sub')], `error: --out ${join(f, 'sub')}: ${f} is a file, not a folder`],
      [['sweep', stdp, ...smallStdp, '--out', f], `error: --out ${f}: is a file, not a folder`],
    ];
    for (const [argv, line] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toBe(`${line}\n(plasticity ${argv[0]} --help for the options)\n`);
      expect(r.err).not.toMatch(/EEXIST|ENOTDIR|errno/);
    }
  });

  it('report --out a folder, or under a file: one line naming --out, no errno and no temporary file', async () => {
    const run = join(tmp, 'curve-run');
    expect((await cli('run', curve, '--set', 'neuron.trials=500', '--out', run, '--quiet')).code).toBe(0);
    const folder = join(tmp, 'a-folder');
    mkdirSync(folder);
    const r = await cli('report', run, '--out', folder);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`error: --out ${folder}: is a folder, not a file\n(plasticity report --help for the options)\n`);
    const f = join(tmp, 'afile2');
    writeFileSync(f, 'x');
    const under = await cli('report', run, '--out', join(f, 'r.html'));
    expect(under.code).toBe(2);
    expect(under.err).toBe(`error: --out ${join(f, 'r.html')}: ${f} is a file, not a folder\n(plasticity report --help for the options)\n`);
    const nowhere = await cli('report', run, '--out', join(tmp, 'no-such-folder', 'r.html'));
    expect(nowhere.code).toBe(2);
    expect(nowhere.err).toBe(`error: --out ${join(tmp, 'no-such-folder', 'r.html')}: its folder does not exist\n(plasticity report --help for the options)\n`);
    for (const x of [r, under, nowhere]) expect(x.err).not.toMatch(/EISDIR|ENOTDIR|ENOENT|\.tmp/);
  });
});

describe('usage errors (finding 10)', () => {
  it('a bad option value, an unknown option, a missing argument: the error line and where the options are, not the whole help', async () => {
    const cases: [string[], string][] = [
      [['run', eqprop, '--epochs', '-1'], "error: option '--epochs <n>' argument '-1' is invalid. must be a whole number >= 0"],
      [['run', eqprop, '--backend', 'bogus'], "error: option '--backend <name>' argument 'bogus' is invalid. Allowed choices are auto, tensorflow-gpu, tensorflow, wasm, cpu."],
      [['run', eqprop, '--bogus'], "error: unknown option '--bogus'"],
      [['sweep'], "error: missing required argument 'graph'"],
      // The program's own checks of option values read the same.
      [['sweep', eqprop, '--seeds', '5-1'], 'error: --seeds 5-1: the range 5-1 runs backwards'],
      [['diff', eqprop], 'error: diff needs at least two graphs or run folders'],
      [['validate', eqprop, '--set', 'nudge.beta'], 'error: --set nudge.beta: expected node.param=value, e.g. --set train.epochs=5'],
    ];
    for (const [argv, first] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(lines(r.err), argv.join(' ')).toEqual([first, `(plasticity ${argv[0]} --help for the options)`]);
      expect(r.out).toBe('');
    }
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(lines(unknown.err)).toEqual(["error: unknown command 'frobnicate'", '(plasticity --help for the commands)']);
  });

  it('--help still prints the whole help, on stdout, exit 0', async () => {
    const r = await cli('run', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: plasticity run \[options\] <graph>/);
    expect(r.out).toMatch(/--train-limit <n> +use at most N training examples \(0: no limit/);
  });
});

describe('the standard deviation of one run is undefined (finding 12)', () => {
  it('seedStats: null for one value, the sample sd for more', () => {
    expect(seedStats([3])).toEqual({ n: 1, mean: 3, sd: null, min: 3, max: 3 });
    expect(seedStats([1, 3])).toEqual(stats([1, 3]));
    expect(formatGroups([{ set: ['a.x=1'], metrics: { e: seedStats([0.25]) } }])).toBe('a.x=1\n  e  0.2500 ± —  (0.2500 … 0.2500, n = 1)\n');
  });

  it('a sweep of one run: "± —" printed, sd null in sweep.json, which reads back; the report shows the mean alone', async () => {
    const out = join(tmp, 'sweep-one');
    const r = await cli('sweep', stdp, ...smallStdp, '--seeds', '1', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^ {2}stdp_pearson_r +-?[\d.]+ ± — {2}\(.* n = 1\)$/m);
    const raw = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(raw.groups[0].metrics.stdp_pearson_r.sd).toBeNull();
    expect((await readSweep(out)).groups[0].metrics.stdp_pearson_r.sd).toBeNull();
    const rep = await cli('report', out);
    expect(rep.code, rep.err).toBe(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<span class="desc">(1 run)</span>');
    expect(html).not.toMatch(/± (0|null)\b/);
  }, 60_000);
});

describe('a relative --data-dir (finding 13)', () => {
  it('is recorded in summary.json as an absolute path, so diff does not tell it from the same folder given absolute', async () => {
    // A folder whose files are not IDX: the run stops at the data node, but its summary.json records the options.
    const rel = relative(process.cwd(), notIdxFolder(join(tmp, 'no-mnist-here')));
    expect(rel.startsWith('/')).toBe(false);
    const a = join(tmp, 'dd-relative');
    const b = join(tmp, 'dd-absolute');
    expect((await cli('run', eqprop, '--quick', '--data-dir', rel, '--out', a, '--quiet')).code).toBe(1);
    expect((await cli('run', eqprop, '--quick', '--data-dir', resolve(rel), '--out', b, '--quiet')).code).toBe(1);
    expect(summaryOf(a).options.dataDir).toBe(resolve(rel));
    const d = await cli('diff', a, b);
    expect(d.err).toBe('no differences\n');
    expect(d.code).toBe(0);
  });
});

describe('--vary (findings 18 and 21)', () => {
  it('a varied value\'s unknown node or parameter names --vary as the user typed it, not --set', async () => {
    const node = await cli('sweep', eqprop, '--vary', 'ghost.beta=[1]', '--out', join(tmp, 'vary-ghost'));
    expect(node.code).toBe(1);
    expect(node.err).toMatch(/^error: --vary ghost\.beta=\[1\]: the graph has no node ghost; its nodes are data, net, /);
    const param = await cli('sweep', eqprop, '--vary', 'nudge.betaa=[1, 2]', '--out', join(tmp, 'vary-param'));
    expect(param.code).toBe(1);
    expect(param.err).toMatch(/^error: --vary nudge\.betaa=\[1, 2\]: "Nudge outputs" \(nudge\) has no parameter betaa; did you mean beta\?/);
    // A fixed --set keeps its own name.
    const set = await cli('sweep', eqprop, '--set', 'nudge.betaa=1', '--vary', 'nudge.beta=[1, 2]', '--out', join(tmp, 'vary-set'));
    expect(set.err).toMatch(/^error: --set nudge\.betaa=1: /);
  });

  it('a value given twice is an error, not two folders beta=0.5 and beta=0.5-2', async () => {
    expect(() => parseVary('nudge.beta=[0.5, 1, 0.5]')).toThrow('--vary nudge.beta=[0.5, 1, 0.5]: value 0.5 is there twice');
    expect(() => parseVary('nudge.mode=["a", "a"]')).toThrow('value "a" is there twice');
    const r = await cli('sweep', eqprop, '--vary', 'nudge.beta=[0.5, 0.5]', '--out', join(tmp, 'vary-twice'));
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --vary nudge.beta=[0.5, 0.5]: value 0.5 is there twice\n(plasticity sweep --help for the options)\n');
    expect(readdirSync(tmp)).not.toContain('vary-twice');
  });

  it('a parameter varied twice is an error (the runs were labelled beta=0.1_beta=0.2 and ran with 0.2)', async () => {
    const twice = await cli('sweep', eqprop, '--vary', 'nudge.beta=[0.1]', '--vary', 'nudge.beta=[0.2]', '--out', join(tmp, 'vary-param-twice'));
    expect(twice.code).toBe(2);
    expect(twice.err).toBe('error: --vary nudge.beta is given twice; put all its values in one --vary\n(plasticity sweep --help for the options)\n');
    expect(readdirSync(tmp)).not.toContain('vary-param-twice');
  });
});

describe('--version (finding 21)', () => {
  it('prints the version of package.json, exit 0', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${pkg.version}\n`);
    }
  });
});

describe('an --out folder that holds an earlier run', () => {
  it('loses that run\'s pictures and report (so they do not pass for the new run\'s), keeps its note apart and any other file', async () => {
    const out = join(tmp, 'reused');
    const first = await cli('run', curve, '--out', out, '--quiet');
    expect(first.code, first.err).toBe(0);
    expect(readdirSync(out)).toContain('stdp_curve.png');
    writeFileSync(join(out, 'note.md'), 'the first run\n');
    writeFileSync(join(out, 'report.html'), '<p>the first run</p>');
    writeFileSync(join(out, 'kept.network.json'), '{}');
    // The same folder, another graph with other pictures (stdp-rate-vs-spike draws no stdp_curve.png).
    const second = await cli('run', stdp, ...smallStdp, '--out', out, '--quiet');
    expect(second.code, second.err).toBe(0);
    expect(second.err).toContain('held an earlier run; its pictures and report were removed, its note kept as note-of-an-earlier-run.md');
    const files = readdirSync(out);
    expect(files).not.toContain('stdp_curve.png');
    expect(files).not.toContain('report.html');
    expect(files).not.toContain('note.md');
    expect(readFileSync(join(out, 'note-of-an-earlier-run.md'), 'utf8')).toBe('the first run\n');
    expect(files).toContain('kept.network.json');
    expect(files).toContain('stdp_scatter.png');
  });
});

describe('output folders that cannot take a run', () => {
  it('--out "" is a usage error, not the current folder (whose graph.json a run would overwrite)', async () => {
    const r = await cli('run', curve, '--quiet', '--out', '');
    expect(r.code).toBe(2);
    expect(r.err).toBe('error: --out: an empty folder name (give a folder, e.g. --out runs/first)\n(plasticity run --help for the options)\n');
  });

  it('a metrics.jsonl that cannot be written costs the event log, not the run: one warning, summary.json written, no stack', async () => {
    const out = join(tmp, 'jsonl-folder');
    mkdirSync(join(out, 'metrics.jsonl'), { recursive: true });
    const r = await cli('run', curve, '--set', 'neuron.trials=500', '--quiet', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`warning: cannot write ${join(out, 'metrics.jsonl')}: `);
    expect(r.err.match(/warning: cannot write/g)).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at |Unhandled/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('done');
  });
});

describe('numbers that diverge outside training', () => {
  it('a NaN measurement ends the run as failed, naming the node that measured it (it ended "done" with parzen_ll NaN)', async () => {
    const out = join(tmp, 'diverged');
    // The example's Quick run cut to its first two minibatches of 100 (as its Quick run was before it trained longer).
    const r = await cli('run', example('bengio2015-exact-gradient.json'), '--quick', '--epochs', '1', '--train-limit', '200', '--set', 'train.batchSize=100', '--quiet', '--out', out, '--set', 'infer.delta=10', '--set', 'infer.steps=50', '--set', 'f1.activation="relu"', '--set', 'f2.activation="relu"');
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/error: m_ll: parzen_ll is NaN: the numbers diverged before this measurement/);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('error');
  }, 60_000);
});

describe('--set numbers as typed', () => {
  it('reads .5 and 5. as numbers (JSON does not), and a number too large for a float as out of range', async () => {
    expect((await cli('validate', eqprop, '--set', 'free.epsilon=.5')).code).toBe(0);
    const big = await cli('validate', eqprop, '--set', 'train.epochs=1e309');
    expect(big.code).toBe(1);
    expect(big.out).toContain('train.epochs: parameter epochs must be at most 100000, got Infinity');
    expect(big.out).not.toContain('got null');
  });
});

describe('run folders with spaces and other letters', () => {
  it('plasticity runs lists them (it skipped them without a word)', async () => {
    const dir = join(tmp, 'listed');
    expect((await cli('run', curve, '--set', 'neuron.trials=500', '--quiet', '--out', join(dir, 'β run 1'))).code).toBe(0);
    const r = await cli('runs', dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('β run 1');
  });
});

describe('plasticity runs with no folder in a fresh checkout', () => {
  it('says where runs are kept, not "runs is not a folder", and exits 2 as before', async () => {
    const fresh = join(tmp, 'fresh-checkout');
    mkdirSync(fresh);
    const was = process.cwd();
    process.chdir(fresh);
    try {
      const r = await cli('runs');
      expect(r.code).toBe(2);
      expect(r.err).not.toContain('is not a folder');
      expect(r.err).toContain('error: there is no runs folder here');
      for (const where of ['runs/latest', '<workspace>/runs', './workspace/runs', '<userData>/runs', 'plasticity runs DIR']) expect(r.err).toContain(where);
      // a folder named on the command line that is not there: said as before
      expect((await cli('runs', 'nope')).err).toContain('nope is not a folder');
      // and with a runs folder, no argument lists it
      mkdirSync(join(fresh, 'runs'));
      const listed = await cli('runs');
      expect(listed.code, listed.err).toBe(0);
      expect(listed.err).toBe('no run folders in runs\n');
    } finally {
      process.chdir(was);
    }
  });
});

describe('--vary values the parameter does not take', () => {
  it('the graph\'s problem is followed by the combination of varied values it came from', async () => {
    const r = await cli('sweep', stdp, '--vary', 'sim.trains=["a", 5]', '--out', join(tmp, 'vary-type'));
    expect(r.code).toBe(1);
    expect(r.err).toBe('error: sim.trains: parameter trains must be a whole number, got "a"\n(with sim.trains="a", from --vary)\n');
  });
});

describe('sizes that cannot fit', () => {
  it('a Bengio 2015 model with more weights than memory holds is refused when the graph compiles', async () => {
    const r = await cli('validate', example('bengio2015-mnist.json'), '--set', 'f1.units=65536', '--set', 'f2.units=65536');
    expect(r.code).toBe(1);
    expect(r.out).toContain('model.top: 784-65536-65536 has 8,692,695,040 weights in its encoders and decoders (32.4 GiB as float32), more than the 268,435,456 (1 GiB) a model can hold here');
  });

  it('rate sequences too many to hold are refused naming the node, before any allocation', async () => {
    const r = await cli('run', stdp, '--set', 'rates.sequences=1000000', '--set', 'rates.steps=100000', '--quiet', '--out', join(tmp, 'too-big'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('error: rates: sequences × steps is 100,000,000,000 rate values, more than the 67,108,864 this node allows (they would take 1118 GB)');
    expect(r.err).not.toMatch(/Invalid typed array length|\n\s+at /);
  });
});

/** A CLI process of its own; resolves once `ready` shows on its stderr (or 30 s pass). */
function started(args: string[], ready: RegExp, env: Record<string, string> = {}): { child: ReturnType<typeof spawn>; err: () => string; exited: Promise<number | null>; ready: Promise<void> } {
  const child = spawn(process.execPath, [join(root, 'bin', 'plasticity.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  const t0 = Date.now();
  const wait = async (): Promise<void> => {
    while (!ready.test(err) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
  };
  return { child, err: () => err, exited, ready: wait() };
}
/** stdp-curve's single-neuron simulation made to take about a minute, so a signal finds it under way. */
const longCurve = ['--set', 'neuron.trials=3000000', '--set', 'neuron.window=1000', '--set', 'neuron.noise=0.01', '--set', 'neuron.slope_sd=0.0001'];

describe('one run at a time in a folder, and folders that are not run folders', () => {
  it('a second run into a folder a run is writing is refused, naming the process; the folder is free again after it', async () => {
    const out = join(tmp, 'locked');
    const first = started(['run', curve, ...longCurve, '--out', out], /simulate/);
    await first.ready;
    expect(readFileSync(join(out, LOCK_FILE), 'utf8').trim()).toBe(String(first.child.pid));
    const r = await cli('run', stdp, ...smallStdp, '--out', out, '--quiet');
    expect(r.code).toBe(2);
    expect(lines(r.err)[0]).toBe(`error: --out ${out}: another run or sweep (process ${first.child.pid}) is writing there now; give this run another folder`);
    const sw = await cli('sweep', stdp, ...smallStdp, '--out', out);
    expect(sw.code).toBe(2);
    expect(sw.err).toContain(`another run or sweep (process ${first.child.pid}) is writing there now`);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    // The stopped run is its own, not mixed with the refused one's files.
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).graph).toBe('stdp-curve');
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    // A lock left by a process that is gone (killed outright) is taken over.
    writeFileSync(join(out, LOCK_FILE), '2147483646\n');
    const again = await cli('run', stdp, ...smallStdp, '--out', out, '--quiet');
    expect(again.code, again.err).toBe(0);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  }, 90_000);

  it('a stale lock is removed only while it is the stale one: a live lock made in the meantime stands', () => {
    const dir = join(tmp, 'stale-lock');
    mkdirSync(dir);
    const file = join(dir, LOCK_FILE);
    const dead = 2147483646;
    writeFileSync(file, `${dead}\n`);
    takeOverStale(file, dead);
    expect(existsSync(file)).toBe(false);
    // Another process read the dead pid, then a third took the folder over before this one got to it.
    writeFileSync(file, `${process.ppid}\n`);
    takeOverStale(file, dead);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(process.ppid));
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('a folder holding a graph.json no run wrote (a project folder) is refused, and the file kept', async () => {
    const dir = join(tmp, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'graph.json'), 'my own graph');
    const r = await cli('run', stdp, ...smallStdp, '--out', dir, '--quiet');
    expect(r.code).toBe(2);
    expect(lines(r.err)[0]).toBe(`error: --out ${dir}: holds a graph.json that no run wrote (no summary.json or metrics.jsonl beside it), which this run would replace; give the run a folder of its own`);
    expect(readFileSync(join(dir, 'graph.json'), 'utf8')).toBe('my own graph');
  });

  it('a Ctrl-C while the engine loads leaves an earlier run in the folder as it was', async () => {
    const out = join(tmp, 'early-ctrl-c');
    expect((await cli('run', stdp, ...smallStdp, '--out', out, '--quiet')).code).toBe(0);
    const before = readFileSync(join(out, 'summary.json'), 'utf8');
    const p = started(['run', curve, '--out', out], /loading the engine/, { PLASTICITY_TRACE_START: '1' });
    // The graph is compiled; TensorFlow.js loads (a second or so), and the folder is not touched before.
    await p.ready;
    expect(p.err()).toContain('loading the engine');
    p.child.kill('SIGINT');
    await p.exited;
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(out, 'graph.json'), 'utf8')).name).toBe('stdp-rate-vs-spike');
  }, 60_000);
});

describe('option values that are not what they look like', () => {
  it('an empty or hexadecimal number, a seed past 2^53 and an empty --data-dir are usage errors', async () => {
    const out = join(tmp, 'odd-values');
    for (const [args, message] of [
      [['--train-limit', ''], "error: option '--train-limit <n>' argument '' is invalid. must be a whole number >= 0"],
      [['--epochs', '0x10'], "error: option '--epochs <n>' argument '0x10' is invalid. must be a whole number >= 0"],
      [['--seed', '99999999999999999999'], "error: option '--seed <n>' argument '99999999999999999999' is invalid. must be at most 9007199254740991"],
      [['--data-dir', ''], 'error: --data-dir: an empty folder name (leave the option out for the embedded digits)'],
    ] as const) {
      const r = await cli('run', stdp, ...smallStdp, ...args, '--out', out, '--quiet');
      expect(r.code, args.join(' ')).toBe(2);
      expect(lines(r.err)[0]).toBe(message);
    }
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
    const sw = await cli('sweep', stdp, ...smallStdp, '--data-dir', '', '--out', join(tmp, 'odd-sweep'));
    expect(sw.code).toBe(2);
    expect(lines(sw.err)[0]).toBe('error: --data-dir: an empty folder name (leave the option out for the embedded digits)');
  });

  it('report --out a device or a symbolic link is refused (the write would replace it by a plain file)', async () => {
    const run = join(tmp, 'report-special');
    expect((await cli('run', stdp, ...smallStdp, '--out', run, '--quiet')).code).toBe(0);
    const link = join(tmp, 'report-link.html');
    symlinkSync(join(tmp, 'report-target.html'), link);
    writeFileSync(join(tmp, 'report-target.html'), 'x');
    for (const [out, why] of [
      ['/dev/null', 'is not a plain file (a device, a pipe or a socket)'],
      [link, 'is a symbolic link (give the file it points to)'],
    ]) {
      const r = await cli('report', run, '--out', out);
      expect(r.code).toBe(2);
      expect(lines(r.err)[0]).toBe(`error: --out ${out}: ${why}`);
    }
  });

  it('diff of a run folder whose summary.json is damaged: exit 2 naming the file, not 1 ("they differ")', async () => {
    const run = join(tmp, 'diff-damaged');
    expect((await cli('run', stdp, ...smallStdp, '--out', run, '--quiet')).code).toBe(0);
    writeFileSync(join(run, 'summary.json'), '{"graph": "x\u0001');
    const r = await cli('diff', run, stdp);
    expect(r.code).toBe(2);
    expect(lines(r.err)[0]).toMatch(new RegExp(`^error: ${join(run, 'summary.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(`));
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s to a sweep reaches its runs: each stops and writes summary.json, and sweep.json is written', async (signal) => {
    const out = join(tmp, `sweep-${signal}`);
    const p = started(['sweep', curve, ...longCurve, '--out', out], /sweep: 1 run/);
    await p.ready;
    const run = join(out, 'run');
    const t0 = Date.now();
    while (!existsSync(join(run, LOCK_FILE)) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 3000));
    p.child.kill(signal);
    expect(await p.exited, p.err()).toBe(130);
    expect(JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).status).toBe('stopped');
    expect((await readSweep(out)).runs[0]!.status).toBe('stopped');
  }, 90_000);
});

describe('Ctrl-C and kill', () => {
  /**
   * A spike-timing simulation of about a minute (its loop never gave a signal a chance before) in a CLI process of its
   * own, sent `signal` once the simulation is under way (its first progress report).
   */
  async function signalled(out: string, signal: NodeJS.Signals): Promise<{ code: number | null; err: string; ms: number }> {
    const child = spawn(process.execPath, [join(root, 'bin', 'plasticity.mjs'), 'run', curve, '--set', 'neuron.trials=3000000', '--set', 'neuron.window=1000', '--set', 'neuron.noise=0.01', '--set', 'neuron.slope_sd=0.0001', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const t0 = Date.now();
    while (!/simulate/.test(err) && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    const t1 = Date.now();
    child.kill(signal);
    const code = await exited;
    return { code, err, ms: Date.now() - t1 };
  }

  it('stops a long spike-timing simulation within a moment: summary.json says stopped, exit 130', async () => {
    const out = join(tmp, 'sigint-fig1');
    const r = await signalled(out, 'SIGINT');
    expect(r.ms, r.err).toBeLessThan(5_000);
    expect(r.code, r.err).toBe(130);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('stopped');
  }, 60_000);

  it('SIGTERM (kill, a scheduler\'s time limit) stops the run as Ctrl-C does: summary.json says stopped', async () => {
    const out = join(tmp, 'sigterm');
    const r = await signalled(out, 'SIGTERM');
    expect(r.code, r.err).toBe(130);
    expect(r.err).toContain('terminated: stopping after the current batch');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('stopped');
  }, 60_000);

  it('SIGHUP (the terminal or ssh session closed) stops the run as SIGTERM does: summary.json says stopped, exit 130', async () => {
    const out = join(tmp, 'sighup');
    const r = await signalled(out, 'SIGHUP');
    expect(r.code, r.err).toBe(130);
    expect(r.err).toContain('hung up: stopping after the current batch');
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status).toBe('stopped');
  }, 60_000);

  it('a closed stderr (`2>&1 | head`) costs the messages, not the run: it ends as usual and writes summary.json', async () => {
    const out = join(tmp, 'closed-stderr');
    const child = spawn(process.execPath, [join(root, 'bin', 'plasticity.mjs'), 'run', stdp, ...smallStdp, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away after the first line (the backend); every later write meets a closed pipe.
    child.stderr!.once('data', () => child.stderr!.destroy());
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code).toBe(0);
    expect(summaryOf(out).status).toBe('done');
  }, 60_000);
});

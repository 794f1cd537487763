/**
 * The `plasticity` command: validate, plan and run graph documents headless; serve the editor to a browser.
 * Exit codes: 0 ok; 1 the graph has problems (one line each: nodeId[.port]: message; on stdout for `validate`,
 * as `error:` lines on stderr for the others) or the run failed; 2 the file cannot be read or is not a graph
 * document, or a usage error (bad option, an --out that is a file); 130 the run was stopped (Ctrl-C, SIGTERM, SIGHUP).
 * A user's mistake is always one clear line (a usage error: and where the options are), never a stack trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGraph, suggest } from '../core/compiler.ts';
import { type Diagnostic, formatDiagnostic } from '../core/diagnostics.ts';
import { fmtMetric } from '../core/format.ts';
import type { RunLimitKey } from '../core/kind.ts';
import { MnistData } from '../kinds/b15/data-mnist.ts';
import { type GraphDocument, parseGraphText, quickLimits, type Reference, splitQuickKey, withParam, withQuickSets } from '../core/document.ts';
import type { JsonValue } from '../core/json.ts';
import { flattenSteps, type Plan } from '../core/plan.ts';
import { kindReference, kindsReference } from '../core/reference.ts';
import { clearEarlierRun } from './earlier-run.ts';
import { lockFolder } from '../runtime/out-lock.ts';
import { setValue } from './sweep-file.ts';
import { didYouMean } from '../core/suggest.ts';
import { addServeOptions, serve, ServeUsageError, type ServeOptions } from '../server/serve.ts';
import { createRegistry } from '../kinds/index.ts';
import type { runPlan as RunPlan, StopToken } from '../runtime/engine.ts';
import type { RunEvent } from '../runtime/events.ts';
import { writeFileAtomic } from '../runtime/fs-atomic.ts';
import { eventJsonLine, fileProblem, missingLoadFiles, savedFileNames, writeGraphJson, writeSummaryJson } from '../runtime/saved-files.ts';
import type { RunOptions } from '../runtime/op.ts';

class Exit extends Error {
  /** usage: a bad option value, followed (as Commander's own usage errors) by where the options are. */
  constructor(
    readonly code: number,
    message = '',
    readonly usage = false,
  ) {
    super(message);
  }
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
let droppingFailedWrites = false;

/**
 * A write to stdout or stderr that cannot be made (a pipe whose reader is gone, `… 2>&1 | head`; a terminal that hung
 * up) is dropped: the run carries on and writes its files to the end (summary.json) instead of dying of the error.
 */
function dropFailedWrites(): void {
  if (droppingFailedWrites) return;
  droppingFailedWrites = true;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
}

/**
 * Where a graph's problems go: `validate` prints them as its result, one `nodeId[.port]: message` line each on
 * stdout (`report`); every other command treats them as errors, `error: nodeId[.port]: message` on stderr.
 */
type Problems = 'report' | 'errors';

async function readGraph(path: string, io: Io, problems: Problems = 'report'): Promise<GraphDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new Exit(2, `cannot read ${path}: ${why}`);
  }
  const r = parseGraphText(text);
  if (!r.ok) {
    // A file that is not a graph at all is exit 2; a graph with a bad field is a diagnostic (exit 1).
    const notAGraph = r.diagnostics.some((d) => /not valid JSON|not a graph document|no valid "version"/.test(d.message));
    if (notAGraph) throw new Exit(2, `${path}: ${r.diagnostics[0].message}`);
    printDiagnostics(r.diagnostics, io, problems);
    throw new Exit(1);
  }
  if (r.migratedFrom !== undefined) io.err(`note: ${path} was migrated from format version ${r.migratedFrom}\n`);
  return r.doc;
}

/**
 * `plasticity runs` with no folder where there is no runs/ folder (a fresh checkout): where runs are kept, rather than
 * "runs is not a folder".
 */
export const NO_RUNS_HERE =
  "there is no runs folder here. `plasticity run` writes to runs/latest unless --out names another folder; the app keeps its runs in <workspace>/runs in browser mode (npm run serve: ./workspace/runs unless --workspace names another folder) and in <userData>/runs in the desktop app (its Log tab names each run's folder). Name the folder: plasticity runs DIR";

const isFolder = (path: string): Promise<boolean> => stat(path).then((s) => s.isDirectory(), () => false);

/** A graph document, or a run folder's graph.json with its summary.json's options (when it has a summary). */
async function readRunOrGraph(path: string, io: Io): Promise<{ doc: GraphDocument; options?: Record<string, unknown> }> {
  if (!(await isFolder(path))) return { doc: await readGraph(path, io) };
  const graph = join(path, 'graph.json');
  if (!existsSync(graph)) throw new Exit(2, `${path} is a folder without graph.json (not a run folder)`);
  const doc = await readGraph(graph, io);
  // No summary.json (a run still going, or killed): no options to compare. One that cannot be read is trouble (exit
  // 2), not a difference (exit 1).
  const file = join(path, 'summary.json');
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return { doc, options: {} };
  let summary: { options?: unknown };
  try {
    summary = JSON.parse(text) as { options?: unknown };
  } catch (e) {
    throw new Exit(2, `${file}: not valid JSON (${(e as Error).message})`);
  }
  const options = summary?.options;
  return { doc, options: options && typeof options === 'object' && !Array.isArray(options) ? (options as Record<string, unknown>) : {} };
}

function printDiagnostics(ds: Diagnostic[], io: Io, problems: Problems = 'report'): void {
  for (const d of ds) {
    if (d.severity === 'warning') io.err(`warning: ${formatDiagnostic(d)}\n`);
    else if (problems === 'report') io.out(`${formatDiagnostic(d)}\n`);
    else io.err(`error: ${formatDiagnostic(d)}\n`);
  }
}

/**
 * `--set node.param=value`: sets one parameter of one node before the graph is compiled (for sweeps and quick
 * variations without editing the file). The value is read as JSON (`false`, `0.05`, `[500]`, `"text"`) or else taken
 * as text; the compiler then checks it like any saved value. A node or parameter that does not exist is an error, and
 * so is a parameter --set twice (a usage error naming both).
 * An entry may say how the user typed it (`{ set: 'nudge.beta=0.5', as: "--vary nudge.beta=[0.5, 1]" }`, one value of
 * a sweep's --vary), so that its errors name the option and the text the user wrote.
 */
export function applySets(doc: GraphDocument, sets: readonly (string | { set: string; as: string })[]): GraphDocument {
  const registry = createRegistry();
  const nodes = doc.nodes;
  let out = doc;
  // A plain --set of a parameter set already: which value the user meant is unclear (a --vary does replace a --set).
  const given = new Map<string, string>();
  for (const entry of sets) {
    const set = typeof entry === 'string' ? entry : entry.set;
    const as = typeof entry === 'string' ? `--set ${entry}` : entry.as;
    const eq = set.indexOf('=');
    const where = eq < 0 ? null : splitQuickKey(set.slice(0, eq));
    if (!where) throw new Exit(2, `${as}: expected node.param=value, e.g. --set train.epochs=5`, true);
    const { node: id, param: name } = where;
    if (typeof entry === 'string') {
      const key = `${id}.${name}`;
      const first = given.get(key);
      if (first !== undefined) throw new Exit(2, `--set ${key} is given twice (--set ${first} and --set ${set}); give it once`, true);
      given.set(key, set);
    }
    const node = nodes.find((n) => n.id === id);
    if (!node) throw new Exit(1, `${as}: the graph has no node ${id}; ${didYouMean(id, nodes.map((n) => n.id), 'nodes')}`);
    const kind = registry.get(node.kind);
    if (kind && !Object.hasOwn(kind.params, name))
      throw new Exit(1, `${as}: "${kind.title}" (${id}) has no parameter ${name}; ${didYouMean(name, Object.keys(kind.params), 'parameters')}`);
    const value = setValue(set);
    // A text parameter takes the text as typed, even when it reads as JSON (--set eval.metric=2024).
    out = withParam(out, id, name, (kind?.params[name]?.type === 'string' && typeof value !== 'string' ? set.slice(set.indexOf('=') + 1) : value) as JsonValue);
  }
  return out;
}

type Sets = Parameters<typeof applySets>[1];

async function compileOrExit(path: string, io: Io, sets: Sets = [], problems: Problems = 'report', quick = false): Promise<Plan> {
  return (await compileDocOrExit(path, io, sets, problems, quick)).plan;
}

/**
 * The document with the --set changes made, and the plan it runs (with `quick`, the plan of the document with its
 * Quick run's parameter changes made too; --set's win); the graph's problems end the command.
 */
async function compileDocOrExit(path: string, io: Io, sets: Sets = [], problems: Problems = 'errors', quick = false): Promise<{ doc: GraphDocument; plan: Plan }> {
  const doc = applySets(await readGraph(path, io, problems), sets);
  const r = compileGraph(quick ? withQuickSets(doc) : doc, createRegistry());
  printDiagnostics(r.diagnostics.filter((d) => d.severity === 'warning'), io);
  if (!r.ok) {
    printDiagnostics(r.diagnostics.filter((d) => d.severity === 'error'), io, problems);
    throw new Exit(1);
  }
  return { doc, plan: r.plan };
}

const collect = (v: string, all: string[]): string[] => [...all, v];
const setHelp = 'set a parameter before compiling, e.g. --set train.persistent=false (repeatable; the value is JSON, else text)';
/** --quick of validate and plan: the graph as `run --quick` compiles it. */
const quickHelp = (verb: string): string => `${verb} the graph's Quick run, as \`run --quick\` compiles it: with the parameter changes of its "quick.set" made (--set overrides them)`;

/**
 * A whole number option, written out in digits: an empty value (an unset "$VAR") is not 0, "0x10" is not 16, and a
 * number past 2^53 (which would lose digits, so that two seeds became one) is refused.
 */
const wholeNumber = (v: string, min: number): number => {
  const t = v.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < min) throw new InvalidArgumentError(min ? `must be a whole number, at least ${min}` : 'must be a whole number >= 0');
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`must be at most ${Number.MAX_SAFE_INTEGER}`);
  return n;
};
const positiveInt = (v: string): number => wholeNumber(v, 0);
const atLeastOne = (v: string): number => wholeNumber(v, 1);

/**
 * A --*-limit value as a run option: 0 means no limit, so it lifts the cap (--quick's too) and the option is left
 * out (summary.json then records no limit, as for a run without one).
 */
function setLimit(options: RunOptions, key: 'trainLimit' | 'testLimit' | 'sampleLimit', v: number | undefined): void {
  if (v === undefined) return;
  if (v === 0) delete options[key];
  else options[key] = v;
}

/** The first existing path from `path` upwards, and whether it is a folder. */
async function nearestExisting(path: string): Promise<{ path: string; folder: boolean }> {
  for (let p = resolve(path); ; p = dirname(p)) {
    const s = await stat(p).catch(() => null);
    if (s) return { path: p, folder: s.isDirectory() };
    if (dirname(p) === p) return { path: p, folder: true };
  }
}

/** Locks the --out folder for this run or sweep; one that another process holds is a usage error naming it. */
function lockOut(given: string, dir: string, what: 'run' | 'sweep'): { release: () => void } {
  const lock = lockFolder(dir);
  if ('heldBy' in lock) throw new Exit(2, `--out ${given}: another run or sweep (process ${lock.heldBy}) is writing there now; give this ${what} another folder`, true);
  return lock;
}

/**
 * Creates the output folder `dir` (given as `flag`, e.g. --out) and checks that files can be written in it; a path
 * that is empty, a file, or lies under one, or cannot be created or written is one line naming the option and the
 * path (exit 2), before anything in the folder (an earlier run's files) is touched.
 */
async function makeOutDir(flag: string, dir: string): Promise<string> {
  // An empty name would be the current folder, whose graph.json a run would overwrite.
  if (!dir.trim()) throw new Exit(2, `${flag}: an empty folder name (give a folder, e.g. ${flag} runs/first)`, true);
  const abs = resolve(dir);
  const at = await nearestExisting(abs);
  if (!at.folder) throw new Exit(2, at.path === abs ? `${flag} ${dir}: is a file, not a folder` : `${flag} ${dir}: ${at.path} is a file, not a folder`, true);
  try {
    await mkdir(abs, { recursive: true });
  } catch (e) {
    throw new Exit(2, `${flag} ${dir}: cannot create the folder: ${fileProblem(e)}`);
  }
  const probe = join(abs, `.plasticity-write-check-${process.pid}`);
  try {
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    throw new Exit(2, `${flag} ${dir}: cannot write files there: ${fileProblem(e)}`);
  }
  return abs;
}

/**
 * Why the file `file` cannot be written (empty, a folder, a device or another special file, under a file, no folder
 * to hold it), or null when it may be. (The write replaces the file by a rename: a device such as /dev/null would be
 * replaced by a plain file, as root.)
 */
async function notWritable(file: string): Promise<string | null> {
  if (!file.trim()) return 'an empty file name';
  const abs = resolve(file);
  const at = await nearestExisting(abs);
  if (at.path === abs) {
    if (at.folder) return 'is a folder, not a file';
    const st = await lstat(abs);
    if (st.isSymbolicLink()) return 'is a symbolic link (give the file it points to)';
    return st.isFile() ? null : 'is not a plain file (a device, a pipe or a socket)';
  }
  if (!at.folder) return `${at.path} is a file, not a folder`;
  return at.path === dirname(abs) ? null : 'its folder does not exist';
}

/** The program's version, from package.json. */
const version = (): string => {
  try {
    return (JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/** The data, limit and backend options of `run`, which `sweep` passes on to each of its runs. */
interface RunFlags {
  quick?: boolean;
  dataDir?: string;
  epochs?: number;
  trainLimit?: number;
  testLimit?: number;
  sampleLimit?: number;
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
}

const LIMIT_FLAGS: [RunLimitKey, string][] = [
  ['epochs', '--epochs'],
  ['trainLimit', '--train-limit'],
  ['testLimit', '--test-limit'],
  ['sampleLimit', '--sample-limit'],
];

/** What a node that obeys each limit does, for the warning. */
const LIMIT_USERS: Record<RunLimitKey, string> = {
  epochs: 'trains for epochs',
  trainLimit: 'reads training data',
  testLimit: 'reads test data',
  sampleLimit: 'draws samples',
};

/**
 * A warning for each run option given that no node of the graph obeys (--train-limit on an STDP graph, --data-dir on
 * a graph without an MNIST node): it changes nothing, which the user should hear before the run rather than guess
 * from its figures.
 */
function warnUnusedRunFlags(o: RunFlags, plan: Plan, io: Io): void {
  const kinds = flattenSteps(plan.steps).map((s) => s.kind);
  const applies = createRegistry().limitsOf(kinds);
  for (const [key, flag] of LIMIT_FLAGS)
    if (o[key] !== undefined && !applies.includes(key)) io.err(`warning: ${flag} changes nothing: no node of this graph obeys it (none ${LIMIT_USERS[key]})\n`);
  if (o.dataDir !== undefined && !kinds.includes(MnistData)) io.err('warning: --data-dir changes nothing: this graph has no MNIST node\n');
}

/**
 * The data folders a run would read (--data-dir, else each MNIST node's dataDir) checked for the four MNIST files
 * before the run touches its output folder: a misspelt folder fails here, and an earlier run in that folder keeps its
 * pictures and summary (a sweep starts no run). --data-dir's problem is a usage error, a node's a problem of the graph.
 */
async function checkDataFolders(o: RunFlags, plan: Plan, onlyDataDirFlag = false): Promise<void> {
  if (!flattenSteps(plan.steps).some((s) => s.kind === MnistData)) return;
  if (o.dataDir) {
    const problem = await dataFolderProblem(resolve(o.dataDir));
    if (problem) throw new Exit(2, `--data-dir: ${problem}`);
    return;
  }
  if (onlyDataDirFlag) return;
  const [first] = await nodeDataFolderProblems(plan);
  if (first) throw new Exit(1, `${first.node}: ${first.message}`);
}

/** Why `dir` is not a folder holding the four MNIST files (the sentence the run would fail with), or null. */
async function dataFolderProblem(dir: string): Promise<string | null> {
  const { DataError, findMnistFiles } = await import('../runtime/data/mnist.ts');
  try {
    await findMnistFiles(dir);
    return null;
  } catch (e) {
    if (e instanceof DataError) return e.message;
    throw e;
  }
}

/** The MNIST nodes whose own dataDir (read from the current folder, as `run` reads it) lacks the four MNIST files. */
async function nodeDataFolderProblems(plan: Plan): Promise<{ node: string; message: string }[]> {
  const { nodeDataDir } = await import('../runtime/data/mnist.ts');
  const problems: { node: string; message: string }[] = [];
  for (const s of flattenSteps(plan.steps)) {
    if (s.kind !== MnistData || typeof s.params.dataDir !== 'string' || !s.params.dataDir) continue;
    const message = await dataFolderProblem(nodeDataDir(s.params.dataDir, undefined));
    if (message) problems.push({ node: s.node, message });
  }
  return problems;
}

/** An empty --data-dir (an unset "$VAR") is a usage error, for run and sweep alike: it would mean the embedded digits. */
function checkDataDir(o: RunFlags): void {
  if (o.dataDir !== undefined && !o.dataDir.trim()) throw new Exit(2, '--data-dir: an empty folder name (leave the option out for the embedded digits)', true);
}

function addRunFlags(cmd: Command, note = ''): Command {
  return cmd
    .option('--quick', `the graph's Quick run, as the app's Quick run: the limits of the graph's "quick" (else 1 epoch and 200 examples; --epochs and the --*-limit options override them) and the parameter changes of its "quick.set" (--set overrides them)${note}`)
    .option('--data-dir <dir>', `folder with the MNIST IDX files (default: the embedded 10,000-digit subset)${note}`)
    .option('--epochs <n>', `override the epochs of every training node (0: no training, the evaluators see the untrained network)${note}`, positiveInt)
    .option('--train-limit <n>', `use at most N training examples (0: no limit, also under --quick)${note}`, positiveInt)
    .option('--test-limit <n>', `use at most N test examples in evaluators (0: no limit)${note}`, positiveInt)
    .option('--sample-limit <n>', `generate at most N samples (0: no limit)${note}`, positiveInt)
    .addOption(new Option('--backend <name>', `tfjs backend${note}`).choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto'));
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  if (io === defaultIo) dropFailedWrites();
  const program = new Command('plasticity')
    .description('Plasticity Lab: validate, plan and run graph documents headless, or serve the editor to a browser.')
    .version(version(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    // A usage error is its one line and where the options are, not the whole help.
    .showHelpAfterError('(plasticity --help for the commands)');

  program
    .command('validate')
    .description('check a graph document; prints one line per problem (nodeId[.port]: message)')
    .argument('<graph>', 'graph document (.json)')
    .option('--set <node.param=value>', setHelp, collect, [])
    .option('--quick', quickHelp('check'))
    .action(async (graph: string, o: { set: string[]; quick?: boolean }) => {
      const plan = await compileOrExit(graph, io, o.set, 'report', o.quick === true);
      // The files Load nodes read, from the current folder as `run` reads them; one a Save node of the graph writes
      // (into the run's output folder, which validate does not know) is taken as there.
      const steps = flattenSteps(plan.steps);
      const saved = savedFileNames(steps);
      const missing = await missingLoadFiles(steps, undefined, (full) => saved.has(basename(full)));
      for (const m of missing) io.out(`${m.node}.path: ${m.message}\n`);
      // An MNIST node's data folder, as `run` reads it without --data-dir.
      const noData = await nodeDataFolderProblems(plan);
      for (const m of noData) io.out(`${m.node}.dataDir: ${m.message}\n`);
      if (missing.length || noData.length) throw new Exit(1);
      io.out(`${graph}: ok\n`);
    });

  program
    .command('plan')
    .description('print the compiled execution plan as JSON')
    .argument('<graph>', 'graph document (.json)')
    .option('--set <node.param=value>', setHelp, collect, [])
    .option('--quick', quickHelp('print'))
    .action(async (graph: string, o: { set: string[]; quick?: boolean }) => {
      const plan = await compileOrExit(graph, io, o.set, 'errors', o.quick === true);
      io.out(`${JSON.stringify(plan, null, 2)}\n`);
    });

  program
    .command('kinds')
    .description('list every node kind: its id, title and paper equation (--json or --markdown: with its ports and params); with a kind id, that kind\'s section of the reference page')
    .argument('[kind]', 'a kind id, e.g. ebm.evaluate: print its section of docs/nodes.md (with --json: its descriptor)')
    .option('--json', 'as JSON')
    .option('--markdown', 'as the reference page docs/nodes.md')
    .action((id: string | undefined, o: { json?: boolean; markdown?: boolean }) => {
      const registry = createRegistry();
      let kinds = registry.all();
      if (id !== undefined) {
        const kind = registry.get(id);
        if (!kind) throw new Exit(2, `there is no node kind "${id}"${suggest(id, registry)} (plasticity kinds lists them all)`);
        if (!o.json) return void io.out(kindReference(kind));
        kinds = [kind];
      }
      if (o.json) io.out(`${JSON.stringify(kinds.map(({ compile: _c, migrate: _m, ...k }) => k), null, 2)}\n`);
      else if (o.markdown) io.out(kindsReference(kinds));
      else for (const k of kinds) io.out(`${k.kind.padEnd(28)} ${k.title}${k.equation ? `  [${k.equation}]` : ''}\n`);
    });

  addRunFlags(
    program
      .command('run')
      .description('run a graph; writes OUT/summary.json, OUT/metrics.jsonl, OUT/graph.json and PNG pictures')
      .argument('<graph>', 'graph document (.json)'),
  )
    .option('--seed <n>', 'override the graph\'s seed', positiveInt)
    .option('--set <node.param=value>', setHelp, collect, [])
    .option('--out <dir>', 'output folder', 'runs/latest')
    .option('--quiet', 'no progress bar and no step lines')
    .action(async (graph: string, o: RunFlags & { seed?: number; set: string[]; out: string; quiet?: boolean }) => {
      const { doc, plan } = await compileDocOrExit(graph, io, o.set, 'errors', o.quick === true);
      checkDataDir(o);
      warnUnusedRunFlags(o, plan, io);
      await checkDataFolders(o, plan);
      // The engine (TensorFlow.js) loads before the folder is touched, and Ctrl-C, SIGTERM or SIGHUP stop the run from then
      // on: a signal while it loads leaves an earlier run's folder as it was, one after it a stopped summary.json.
      // (PLASTICITY_TRACE_START=1: say when, for a test that signals the run while the engine loads.)
      if (process.env.PLASTICITY_TRACE_START) io.err('loading the engine\n');
      const engine = await import('../runtime/engine.ts');
      const stop = new engine.StopToken();
      const signals = stopOnSignals(stop, io);
      try {
        const outDir = await makeOutDir('--out', o.out);
        const lock = lockOut(o.out, outDir, 'run');
        try {
          await refuseForeignFiles('--out', o.out, outDir);
          await clearEarlierRun(outDir, io.err);
          // The graph as it runs: with --seed, its seed; with --quick, without its Quick run's parameter changes, which
          // summary.json's option quick says were made (`plasticity run OUT/graph.json`, with --quick for a Quick run,
          // repeats the run).
          await writeGraphJson(outDir, o.seed !== undefined ? { ...doc, seed: o.seed } : doc);
          const options: RunOptions = { outDir, ...(o.quick ? { ...quickLimits(doc), quick: true } : {}) };
          // Absolute, as sweep passes it: summary.json then means the same folder read from anywhere (and diff agrees).
          if (o.dataDir) options.dataDir = resolve(o.dataDir);
          if (o.epochs !== undefined) options.epochs = o.epochs;
          setLimit(options, 'trainLimit', o.trainLimit);
          setLimit(options, 'testLimit', o.testLimit);
          setLimit(options, 'sampleLimit', o.sampleLimit);
          if (o.set.length > 0) options.set = o.set;
          const code = await runWithProgress(engine.runPlan, stop, plan, options, o, outDir, io, doc.references);
          if (code) throw new Exit(code);
        } finally {
          lock.release();
        }
      } finally {
        signals.remove();
      }
    });

  addRunFlags(
    program
      .command('sweep')
      .description('run a graph for several seeds and parameter values (each a `run` of its own); writes OUT/<run>/… and OUT/sweep.json with each metric\'s mean and sd over the seeds')
      .argument('<graph>', 'graph document (.json)'),
    ' (passed to each run)',
  )
    .option('--seeds <list>', 'seeds to run, e.g. 1-5 or 1,3,7 (default: the graph\'s own seed)')
    .option('--vary <node.param=[values]>', 'a parameter to vary, as a JSON array, e.g. --vary \'nudge.beta=[0.5, 1]\' (repeatable: every combination runs)', collect, [])
    .option('--set <node.param=value>', setHelp, collect, [])
    .option('--parallel <n>', 'runs at a time (each its own process; at least 1)', atLeastOne, 1)
    .option('--out <dir>', 'output folder', 'runs/sweep')
    .action(async (graph: string, o: RunFlags & { seeds?: string; vary: string[]; set: string[]; parallel: number; out: string }) => {
      const { checkVaryTargets, combinations, formatGroups, parseSeeds, parseVary, sweep, SweepError } = await import('./sweep.ts');
      try {
        const seeds = o.seeds === undefined ? null : parseSeeds(o.seeds);
        const vary = o.vary.map(parseVary);
        checkVaryTargets(vary);
        // Every combination compiles before any run starts: a typo costs nothing. A varied value's mistake names its --vary.
        let plan: Plan | undefined;
        for (const combo of combinations(vary))
          plan = await compileOrExit(graph, io, [...o.set, ...combo.map((set, i) => ({ set, as: `--vary ${o.vary[i]}` }))], 'errors').catch((e: unknown) => {
            // The graph's problem with one combination of the varied values: say which.
            if (e instanceof Exit && !e.message && combo.length) io.err(`(with ${combo.join(', ')}, from --vary)\n`);
            throw e;
          });
        checkDataDir(o);
        // Said once here (the runs' own warnings go to their run.log); the varied values do not change the kinds.
        if (plan) warnUnusedRunFlags(o, plan, io);
        // (A --vary of a dataDir gives each run a folder of its own, which the plan compiled last does not hold.)
        if (plan) await checkDataFolders(o, plan, vary.some((v) => v.target.endsWith('.dataDir')));
        const lock = lockOut(o.out, await makeOutDir('--out', o.out), 'sweep');
        const runArgs: string[] = [];
        const pass = (flag: string, v: string | number | undefined): void => void (v !== undefined && runArgs.push(flag, String(v)));
        if (o.quick) runArgs.push('--quick');
        pass('--data-dir', o.dataDir && resolve(o.dataDir));
        pass('--epochs', o.epochs);
        pass('--train-limit', o.trainLimit);
        pass('--test-limit', o.testLimit);
        pass('--sample-limit', o.sampleLimit);
        pass('--backend', o.backend);
        const r = await sweep({ graph: resolve(graph), seeds, vary, set: o.set, runArgs, parallel: o.parallel, out: o.out, err: io.err }).finally(lock.release);
        io.out(formatGroups(r.groups));
        io.err(`wrote ${join(resolve(o.out), 'sweep.json')}\n`);
        if (r.code) throw new Exit(r.code, r.code === 1 ? 'some runs failed (their errors are in sweep.json and each run.log)' : '');
      } catch (e) {
        if (e instanceof SweepError) throw new Exit(e.code, e.message, e.code === 2);
        throw e;
      }
    });

  program
    .command('runs')
    .description('list the run folders under a folder (CLI --out folders, sweeps, the app\'s runs folder), newest first: when each ended, graph, status, time, metrics and note (a failed run\'s error; a folder without summary.json: running, or incomplete)')
    .argument('[dir]', 'the folder holding run folders (default: runs)')
    .option('--json', 'print the list as JSON')
    .action(async (given: string | undefined, o: { json?: boolean }) => {
      const { listPastRuns } = await import('../server/past-runs.ts');
      const { formatRuns, runRows } = await import('./tables.ts');
      const dir = given ?? 'runs';
      if (given === undefined && !existsSync(dir)) throw new Exit(2, NO_RUNS_HERE);
      if (!(await isFolder(dir))) throw new Exit(2, `${dir} is not a folder`);
      const unreadable: string[] = [];
      const list = await runRows(resolve(dir), await listPastRuns(resolve(dir), 10_000, unreadable), unreadable);
      if (o.json) io.out(`${JSON.stringify(list, null, 2)}\n`);
      else if (list.length) io.out(formatRuns(list));
      else io.err(`no run folders in ${dir}\n`);
      for (const id of unreadable.sort()) io.err(`warning: ${join(dir, id)}: its summary.json cannot be read, so it is not listed\n`);
    });

  program
    .command('report')
    .description('write a run folder as one self-contained HTML page: what ran, its metrics beside the paper\'s figures, its curves, pictures and note; for a sweep folder, each metric\'s mean ± sd per combination and against the swept parameter')
    .argument('<folder>', 'a run folder (a --out folder, a run of a sweep, or one of the app\'s runs), or a sweep folder')
    .option('--out <file>', 'where to write the page (default: report.html in the folder)')
    .action(async (dir: string, o: { out?: string }) => {
      if (!(await isFolder(dir))) throw new Exit(2, `${dir} is not a folder`);
      let html: string;
      try {
        html = await (await import('../server/report.ts')).reportForFolder(resolve(dir));
      } catch (e) {
        throw new Exit(2, `${dir}: ${(e as Error).message}`);
      }
      const out = o.out ?? join(dir, 'report.html');
      // Named as the user gave it: "--out PATH: …", or the file in the folder.
      const named = o.out !== undefined ? `--out ${out}` : `cannot write ${out}`;
      const why = await notWritable(out);
      if (why) throw new Exit(2, `${named}: ${why}`, o.out !== undefined);
      try {
        await writeFileAtomic(out, html);
      } catch (e) {
        throw new Exit(2, `${named}: ${fileProblem(e)}`);
      }
      io.out(`wrote ${out}\n`);
    });

  program
    .command('diff')
    .description('what differs between graphs or run folders (a folder\'s graph.json and the options in its summary.json): seed, nodes, parameters (defaults filled in), wires, run options; exit 0 when nothing differs, 1 when something does')
    .argument('<graphs-or-runs...>', 'two or more graph documents (.json) or run folders')
    .option('--json', 'print the differences as JSON')
    .action(async (paths: string[], o: { json?: boolean }) => {
      if (paths.length < 2) throw new Exit(2, 'diff needs at least two graphs or run folders', true);
      const { differences } = await import('../core/diff.ts');
      const { formatDiff } = await import('./tables.ts');
      // A graph with problems is trouble here (exit 2), not a difference (exit 1); its problems go to stderr.
      const inputs = await Promise.all(
        paths.map((p) =>
          readRunOrGraph(p, { out: io.err, err: io.err }).catch((e: unknown) => {
            throw e instanceof Exit && e.code === 1 ? new Exit(2, `${p} is not a valid graph document (see above)`) : e;
          }),
        ),
      );
      const rows = differences(inputs, createRegistry());
      if (o.json) io.out(`${JSON.stringify({ compared: paths, differences: rows }, null, 2)}\n`);
      else if (rows.length) io.out(formatDiff(rows, paths));
      else io.err('no differences\n');
      if (rows.length) throw new Exit(1);
    });

  addServeOptions(
    program
      .command('serve')
      .description('serve the editor to a browser on 127.0.0.1, with the engine in this process (as `npm run serve`); prints the URL to open and serves until Ctrl-C'),
  ).action(async (o: ServeOptions) => {
    await serve(o, io).catch((e: unknown) => {
      throw e instanceof ServeUsageError ? new Exit(2, e.message, true) : e;
    });
  });

  const optionsHint = (name: string): string => `(plasticity ${name} --help for the options)`;
  for (const cmd of program.commands) cmd.showHelpAfterError(optionsHint(cmd.name()));
  let command = '';
  program.hook('preAction', (_program, action) => {
    command = action.name();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Exit) {
      if (e.message) io.err(`error: ${e.message}\n`);
      if (e.usage && command) io.err(`${optionsHint(command)}\n`);
      return e.code;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    io.err(`error: ${(e as Error).message}\n`);
    return 1;
  }
}

/** The published figure for a metric, as said after its value (the graph's `references`). */
const paperNote = (r: Reference | undefined): string => (r ? `   (paper: ${r.value}, ${r.source}${r.note ? `; ${r.note}` : ''})` : '');

/**
 * Ctrl-C stops `stop` (the run ends after its current batch and writes summary.json; a second Ctrl-C aborts), and so
 * do SIGTERM (kill, a job scheduler's time limit) and SIGHUP (the terminal or ssh session closed). `remove()` takes
 * the handlers off again.
 */
function stopOnSignals(stop: StopToken, io: Io): { remove: () => void } {
  const abort = (): never => process.exit(130);
  const onSigint = (): void => {
    io.err('\nstopping after the current batch (Ctrl-C again to abort)\n');
    stop.stop();
    process.once('SIGINT', abort);
  };
  // Heard every time (a scheduler signalling the process group and a sweep passing it on send two): the first stops
  // the run, the others are no reason to die before summary.json is written.
  const onSigterm = (signal: NodeJS.Signals): void => {
    if (stop.stopped) return;
    io.err(`\n${signal === 'SIGHUP' ? 'hung up' : 'terminated'}: stopping after the current batch\n`);
    stop.stop();
  };
  process.once('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('SIGHUP', onSigterm);
  return {
    remove() {
      process.removeListener('SIGINT', onSigint);
      process.removeListener('SIGINT', abort);
      process.removeListener('SIGTERM', onSigterm);
      process.removeListener('SIGHUP', onSigterm);
    },
  };
}

/**
 * A folder that is not a run folder (no summary.json or metrics.jsonl) but holds a graph.json: most likely the
 * user's own graph (`--out .` in a project folder), which the run's graph.json would replace. Refused (exit 2).
 */
async function refuseForeignFiles(flag: string, dir: string, abs: string): Promise<void> {
  const has = (f: string): boolean => existsSync(join(abs, f));
  if (has('graph.json') && !has('summary.json') && !has('metrics.jsonl'))
    throw new Exit(2, `${flag} ${dir}: holds a graph.json that no run wrote (no summary.json or metrics.jsonl beside it), which this run would replace; give the run a folder of its own`, true);
}

async function runWithProgress(
  runPlan: typeof RunPlan,
  stop: StopToken,
  plan: Plan,
  options: RunOptions,
  o: { backend: RunFlags['backend']; seed?: number; quiet?: boolean },
  outDir: string,
  io: Io,
  references: GraphDocument['references'] = {},
): Promise<number> {
  const jsonl: WriteStream = createWriteStream(join(outDir, 'metrics.jsonl'));
  // A metrics.jsonl that cannot be written (a folder of that name, the disk full) costs the event log, not the run.
  let jsonlFailed = false;
  jsonl.on('error', (e) => {
    if (!jsonlFailed) io.err(`warning: cannot write ${join(outDir, 'metrics.jsonl')}: ${fileProblem(e)}; the run goes on without it\n`);
    jsonlFailed = true;
  });
  const tty = !o.quiet && process.stderr.isTTY;
  const bar = new SingleBar({
    stream: process.stderr,
    format: '{phase} |{bar}| {percentage}% {detail}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
  });
  let barOn = false;
  let lastLine = 0;
  /** The pictures written, each said once at the end of the run (its last write). */
  const pictures = new Set<string>();
  /** Metrics whose published figure was printed with its note already. */
  const noted = new Set<string>();
  const onEvent = (e: RunEvent): void => {
    jsonl.write(eventJsonLine(e));
    switch (e.type) {
      case 'start':
        io.err(`backend: ${e.backendNote}\n`);
        break;
      case 'log':
        if (barOn) bar.stop(), (barOn = false);
        io.err(`${e.level === 'warn' ? 'warning: ' : ''}${e.node ? `${e.node}: ` : ''}${e.message}\n`);
        break;
      case 'step':
        if (barOn) bar.stop(), (barOn = false);
        if (!o.quiet) io.err(`[${e.index + 1}/${e.total}] ${e.title} (${e.kind})\n`);
        break;
      case 'progress': {
        const detail = [
          e.epoch !== undefined ? `epoch ${e.epoch}/${e.epochs}` : '',
          e.batch !== undefined ? `batch ${e.batch}/${e.batches}` : '',
          e.examplesPerSecond !== undefined ? `${e.examplesPerSecond.toFixed(0)} ex/s` : '',
          e.etaSeconds !== undefined ? `ETA ${formatSeconds(e.etaSeconds)}` : '',
          e.metrics ? Object.entries(e.metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(' ') : '',
        ].filter(Boolean).join('  ');
        if (tty) {
          if (!barOn) bar.start(100, 0, { phase: e.phase, detail }), (barOn = true);
          bar.update(Math.round((e.fraction ?? 0) * 100), { phase: e.phase, detail });
        } else if (!o.quiet && (Date.now() - lastLine > 10_000 || e.fraction === 1)) {
          lastLine = Date.now();
          io.err(`${e.phase} ${Math.round((e.fraction ?? 0) * 100)}% ${detail}\n`);
        }
        break;
      }
      case 'metric':
        if (barOn) bar.stop(), (barOn = false);
        {
          // Four significant digits here (summary.json keeps every digit); the paper's note once per reference.
          const ref = references?.[e.name];
          const shown = ref && (!Array.isArray(e.value) || e.value.length > 0) ? (noted.has(e.name) ? `   (paper: ${ref.value})` : paperNote(ref)) : '';
          if (shown) noted.add(e.name);
          io.err(`metric ${e.name} = ${Array.isArray(e.value) ? `[${e.value.map(fmtMetric).join(', ')}]` : fmtMetric(e.value)}${shown}\n`);
        }
        break;
      case 'image':
        // Said once, when the run ends: a picture redrawn after every epoch is one file.
        pictures.add(e.file);
        break;
      case 'end':
        if (barOn) bar.stop(), (barOn = false);
        break;
    }
  };
  const summary = await runPlan({ plan, options, backend: o.backend, ...(o.seed !== undefined ? { seed: o.seed } : {}), onEvent, stop });
  await new Promise<void>((r) => (jsonl.closed || jsonl.destroyed ? r() : jsonl.end(r)));
  for (const file of pictures) io.err(`wrote ${join(outDir, file)}\n`);
  try {
    io.err(`wrote ${await writeSummaryJson(outDir, summary)} (${summary.status}, ${summary.wall_seconds.toFixed(1)} s)\n`);
  } catch (e) {
    // The run's own outcome still shows, below.
    io.err(`warning: cannot write ${join(outDir, 'summary.json')}: ${fileProblem(e)} (the run: ${summary.status}, ${summary.wall_seconds.toFixed(1)} s)\n`);
  }
  if (summary.status === 'error') {
    io.err(`error: ${summary.error}\n`);
    return 1;
  }
  return summary.status === 'stopped' ? 130 : 0;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}


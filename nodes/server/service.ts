/**
 * The LabService for browser mode: files live in one workspace folder (relative paths only, no way
 * out of it), examples come from the repository, and runs go to a worker thread.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, normalize, resolve, sep } from 'node:path';
import { platform } from 'node:os';
import { autosaveSlot, type EventName, type EventPayload, type LabServiceImpl } from '../../electron/common/contract.ts';
import { AutosaveSlots, listExamples, listJsonFiles, readExample, shownName, workspaceFileNameProblem, writeFileAtomic } from './files.ts';
import { RunHost, spawnThreadEngine } from './engine-host.ts';
import { pastRunMethods } from './past-runs.ts';
import type { SpawnEngine } from './engine-protocol.ts';
import { nativeNotInstalled } from '../runtime/native-packages.ts';

export interface ServerServiceOptions {
  workspace: string;
  examplesDir: string;
  version: string;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  spawn?: SpawnEngine;
  /** Keep an engine booted for the next run (RunHost's spare); by default with the real engine, not a given spawn. */
  spare?: boolean;
}

/** The autosave of a client that names no slot. */
const DEFAULT_SLOT = 'default';

/** The slot a call names, for the host to hold while the connection that named it is open. */
export function slotOf(request: unknown): string | null {
  const slot = (request as { slot?: unknown } | null)?.slot;
  return typeof slot === 'string' && autosaveSlot.safeParse(slot).success ? slot : null;
}

export function createServerService(o: ServerServiceOptions): { service: LabServiceImpl; host: RunHost; autosaves: AutosaveSlots } {
  // Each run's pictures, saved weights and summary.json go to a folder of its own under <workspace>/runs.
  const host = new RunHost(
    o.spawn ?? spawnThreadEngine,
    {
      event: (runId, event) => o.emit('onRunEvent', { runId, event }),
      finished: (runId, summary, folder) => o.emit('onRunFinished', { runId, summary, ...(folder ? { folder } : {}) }),
    },
    1000,
    join(o.workspace, 'runs'),
    o.spare ?? !o.spawn,
  );
  // The first Run starts at once: the engine boots while the page loads.
  host.warmUp();
  const autosaves = new AutosaveSlots(join(o.workspace, '.autosave'), join(o.workspace, '.autosave.plasticity.json'));
  const recent: string[] = [];
  const touch = (p: string): void => {
    const i = recent.indexOf(p);
    if (i >= 0) recent.splice(i, 1);
    recent.unshift(p);
    recent.length = Math.min(recent.length, 10);
  };
  /** A path the browser may use: relative, inside the workspace, a .json file. */
  const inWorkspace = (p: string): string => {
    const rel = normalize(p).replace(/^([/\\])+/, '');
    const full = resolve(o.workspace, rel);
    if (!full.startsWith(resolve(o.workspace) + sep)) throw new Error(`${p} is outside the workspace`);
    if (!full.endsWith('.json')) throw new Error('graph documents are .json files');
    return full;
  };

  /**
   * The file recovered work belongs to: its path when Save may write there (as writeFile would take it), else only its
   * name, for Save As to offer; null when the path is not one of the workspace's (never written by this host).
   */
  const recoveredFile = (p: string): { path: string | null; name: string } | null => {
    let full: string;
    try {
      full = inWorkspace(p);
    } catch {
      return null;
    }
    return { path: workspaceFileNameProblem(p) ? null : p, name: basename(full) };
  };

  const service: LabServiceImpl = {
    async getInfo() {
      return { version: o.version, nativeDialogs: false, workspace: o.workspace, platform: platform(), notInstalled: nativeNotInstalled() };
    },
    async listExamples() {
      return { examples: await listExamples(o.examplesDir) };
    },
    async readExample({ id }) {
      return { id, text: await readExample(o.examplesDir, id) };
    },
    async listFiles() {
      return { files: await listJsonFiles(o.workspace), recent: [...recent] };
    },
    async openDialog() {
      return { path: null };
    },
    async saveDialog() {
      return { path: null };
    },
    async readFile({ path }) {
      const full = inWorkspace(path);
      let text: string;
      try {
        text = await readFile(full, 'utf8');
      } catch {
        throw new Error(`cannot read ${path}: no such file in the workspace`);
      }
      touch(path);
      return { path, name: basename(full), text };
    },
    async writeFile({ path, text }) {
      const problem = workspaceFileNameProblem(path);
      if (problem) throw new Error(`cannot save as ${shownName(path)}: ${problem}`);
      const full = inWorkspace(path);
      await writeFileAtomic(full, text);
      touch(path);
      return { path, name: basename(full) };
    },
    async autosave({ text, slot, path }) {
      await autosaves.write(slot ?? DEFAULT_SLOT, text, path ?? null);
      return {};
    },
    async recoverAutosave({ slot }) {
      const { path, ...rec } = await autosaves.read(slot ?? DEFAULT_SLOT);
      return { ...rec, file: path === null ? null : recoveredFile(path) };
    },
    async startRun({ doc, options, backend, label }) {
      return host.start({ doc, options, backend, label });
    },
    async stopRun({ runId }) {
      return { stopped: host.stop(runId) };
    },
    async setTitle() {
      return {};
    },
    async closeAfterSave() {
      // A browser tab is closed by its user; nothing asks to close it after a save.
      return {};
    },
    async editText() {
      // No menu in a browser: the keys reach the text field directly.
      return {};
    },
    ...pastRunMethods(host.runsDir),
  };
  return { service, host, autosaves };
}

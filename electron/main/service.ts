/**
 * The LabService in Electron: native dialogs, files anywhere the user picked (and only those: a
 * path must come from a dialog, the recent list or the examples), autosave in the user-data
 * folder, runs in a utilityProcess via RunHost.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Dialog, BrowserWindow } from 'electron';
import type { LabServiceImpl } from '../common/contract.ts';
import { Autosave, listExamples, readExample, writeFileAtomic } from '../../nodes/server/files.ts';
import type { RunHost } from '../../nodes/server/engine-host.ts';
import { pastRunMethods } from '../../nodes/server/past-runs.ts';
import { RecentFiles } from './recent.ts';
import { nativeNotInstalled } from '../../nodes/runtime/native-packages.ts';

export interface ElectronServiceDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
  window: () => BrowserWindow | null;
  host: RunHost;
  examplesDir: string;
  autosave: Autosave;
  recent: RecentFiles;
  version: string;
  platform: string;
  /** Title and unsaved state, for the window title and the close prompt. */
  onTitle: (title: string, dirty: boolean) => void;
  /** The renderer finished the save the close prompt asked for. */
  onCloseAfterSave: (saved: boolean) => void;
}

const FILTERS = [{ name: 'Plasticity graph', extensions: ['json'] }];

export function createElectronService(d: ElectronServiceDeps): LabServiceImpl & { grant(path: string): void } {
  const granted = new Set<string>();
  const grant = (p: string): void => {
    granted.add(resolve(p));
  };
  const allowed = (p: string): string => {
    const full = resolve(p);
    if (!granted.has(full) && !d.recent.list().includes(full)) throw new Error(`${p} was not chosen in a file dialog`);
    return full;
  };
  const mayWrite = (p: string): boolean => {
    try {
      allowed(p);
      return true;
    } catch {
      return false;
    }
  };
  return {
    grant,
    async getInfo() {
      return { version: d.version, nativeDialogs: true, workspace: null, platform: d.platform, notInstalled: nativeNotInstalled() };
    },
    async listExamples() {
      return { examples: await listExamples(d.examplesDir) };
    },
    async readExample({ id }) {
      return { id, text: await readExample(d.examplesDir, id) };
    },
    async listFiles() {
      return { files: [], recent: d.recent.list() };
    },
    async openDialog({ purpose }) {
      const win = d.window();
      const opts = { title: purpose === 'open' ? 'Open a graph' : 'Import a graph config', filters: FILTERS, properties: ['openFile' as const] };
      const r = win ? await d.dialog.showOpenDialog(win, opts) : await d.dialog.showOpenDialog(opts);
      const path = r.canceled ? null : (r.filePaths[0] ?? null);
      if (path) grant(path);
      return { path };
    },
    async saveDialog({ purpose, suggestedName }) {
      const win = d.window();
      const opts = { title: purpose === 'save' ? 'Save the graph' : 'Export the graph config', defaultPath: suggestedName, filters: FILTERS };
      const r = win ? await d.dialog.showSaveDialog(win, opts) : await d.dialog.showSaveDialog(opts);
      const path = r.canceled || !r.filePath ? null : r.filePath;
      if (path) grant(path);
      return { path };
    },
    async readFile({ path }) {
      const full = allowed(path);
      const text = await readFile(full, 'utf8');
      d.recent.add(full);
      return { path: full, name: basename(full), text };
    },
    async writeFile({ path, text }) {
      const full = allowed(path);
      await writeFileAtomic(full, text);
      d.recent.add(full);
      return { path: full, name: basename(full) };
    },
    async autosave({ text, path }) {
      await d.autosave.write(text, path ?? null);
      return {};
    },
    async recoverAutosave() {
      // One window, one autosave: slots are browser mode's.
      const { path, ...rec } = await d.autosave.read();
      // The path the work belongs to is Save's only while this host would write there anyway (picked in a dialog this
      // session, or in the recent list): the autosave's path is no grant. Otherwise Save asks, offering the file's name.
      const file = path === null ? null : { path: mayWrite(path) ? resolve(path) : null, name: basename(path) || 'recovered.json' };
      return { ...rec, slot: null, file };
    },
    async startRun({ doc, options, backend, label }) {
      return d.host.start({ doc, options, backend, label });
    },
    async stopRun({ runId }) {
      return { stopped: d.host.stop(runId) };
    },
    async setTitle({ title, dirty }) {
      d.onTitle(title, dirty);
      return {};
    },
    async closeAfterSave({ saved }) {
      d.onCloseAfterSave(saved);
      return {};
    },
    async editText({ action }) {
      const wc = d.window()?.webContents;
      if (wc && !wc.isDestroyed()) wc[action]();
      return {};
    },
    ...pastRunMethods(d.host.runsDir),
  };
}

/**
 * Wires the Electron app: one window, the menu, IPC, the engine host (a utilityProcess), the
 * title with the unsaved marker, and prompts before closing during a run or with unsaved changes.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as electron from 'electron';
import type { BrowserWindow as BW } from 'electron';
import { Autosave, listExamples } from '../../nodes/server/files.ts';
import { RunHost } from '../../nodes/server/engine-host.ts';
import type { EngineChannel } from '../../nodes/server/engine-protocol.ts';
import type { MenuCommand } from '../common/names.ts';
import { registerIpc, sendEvent } from './ipc.ts';
import { menuTemplate } from './menu.ts';
import { RecentFiles } from './recent.ts';
import { createElectronService } from './service.ts';
import { createMainWindow } from './window.ts';
import { utilityEngineSpawner } from './engine-process.ts';

export interface AppPaths {
  /** dist/electron: where main.cjs, preload.cjs and engine.cjs are. */
  bundleDir: string;
  /** dist/renderer/index.html */
  rendererIndex: string;
  examplesDir: string;
  version: string;
}

export interface AppHandle {
  window(): BW | null;
  host: RunHost;
  send(command: MenuCommand, arg?: string): void;
}

export function startApp(paths: AppPaths, spawn?: () => EngineChannel): AppHandle {
  const { app, BrowserWindow, Menu, dialog, ipcMain, utilityProcess } = electron;
  const appUrl = pathToFileURL(paths.rendererIndex).href;
  let win: BW | null = null;
  let dirty = false;
  let forceClose = false;
  /** "Save…" was chosen in the close prompt: the window closes once the renderer reports the save. */
  let closePending = false;
  /** The close under way is part of quitting (Cmd+Q, File → Quit): after a save it asked for, the app quits. */
  let quitting = false;

  const userData = app.getPath('userData');
  // Each run's pictures, saved weights and summary.json go to a folder of its own under <userData>/runs.
  const host = new RunHost(
    spawn ?? utilityEngineSpawner({ fork: (...a) => utilityProcess.fork(...a), entry: join(paths.bundleDir, 'engine.cjs') }),
    {
      event: (runId, event) => sendEvent(win?.webContents ?? null, 'onRunEvent', { runId, event }),
      finished: (runId, summary, folder) => sendEvent(win?.webContents ?? null, 'onRunFinished', { runId, summary, ...(folder ? { folder } : {}) }),
    },
    1000,
    join(userData, 'runs'),
    // An engine kept booted for the next run (the real one; tests give their own spawn).
    !spawn,
  );
  const send = (command: MenuCommand, arg?: string): void => sendEvent(win?.webContents ?? null, 'onMenuCommand', arg === undefined ? { command } : { command, arg });
  const rebuildMenu = async (): Promise<void> => {
    const examples = await listExamples(paths.examplesDir);
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({ isMac: process.platform === 'darwin', appName: app.getName(), send, recent: recent.list(), examples, clearRecent: () => recent.clear() }),
      ),
    );
  };
  const recent = new RecentFiles(join(userData, 'recent.json'), 10, () => void rebuildMenu());
  const service = createElectronService({
    dialog,
    window: () => win,
    host,
    examplesDir: paths.examplesDir,
    autosave: new Autosave(join(userData, 'autosave.plasticity.json')),
    recent,
    version: paths.version,
    platform: process.platform,
    onTitle: (title, d) => {
      dirty = d;
      if (win && !win.isDestroyed()) {
        win.setTitle(title);
        win.setDocumentEdited(d);
      }
    },
    onCloseAfterSave: (saved) => {
      if (!closePending) return;
      closePending = false;
      if (saved && win && !win.isDestroyed()) {
        forceClose = true;
        win.close();
        // On macOS the app outlives its windows; a quit that stopped for the save goes on.
        if (quitting) app.quit();
      } else quitting = false;
    },
  });
  registerIpc({ ipcMain, service, appUrl, log: (m) => console.warn(m) });

  const open = (): void => {
    win = createMainWindow({ BrowserWindow, preload: join(paths.bundleDir, 'preload.cjs'), appUrl });
    win.on('close', (e) => {
      if (forceClose) {
        // One close that already went through the prompt (or the save it asked for).
        forceClose = false;
        return;
      }
      if (!win) return;
      const w = win;
      // A warning whose last button is Cancel; Cancel keeps the window, and a quit that asked stops there.
      const ask = (message: string, detail: string, buttons: string[], defaultId: number): number => {
        const choice = dialog.showMessageBoxSync(w, { type: 'warning', buttons, defaultId, cancelId: buttons.length - 1, message, detail });
        if (choice === buttons.length - 1) {
          e.preventDefault();
          quitting = false;
        }
        return choice;
      };
      if (host.running && ask('A run is going.', 'Closing stops it; what it has recorded so far stays in its run folder (History → Past runs).', ['Stop the run and close', 'Cancel'], 1) === 1) return;
      if (!dirty) return;
      const choice = ask('The graph has unsaved changes.', 'Save them before closing? (An autosave is kept either way and offered at the next start.)', ['Save…', 'Discard', 'Cancel'], 0);
      if (choice === 0) {
        // Save, then close: the renderer saves (asking for a path if the graph has none) and
        // answers with closeAfterSave; a cancelled or failed save leaves the window open.
        e.preventDefault();
        closePending = true;
        send('save', 'close');
      }
      // Discard: this close goes ahead.
    });
    // The editor's page crashed or was killed: there is no page left to save from, so a close must not wait for one
    // (its "Save…" would never be answered). Its work is in the autosave (at most 1.5 s old), and the page, loaded
    // again, offers it back.
    win.webContents.on('render-process-gone', (_e, details) => {
      if (details.reason === 'clean-exit') return;
      console.error(`the editor's page went away (${details.reason}); loading it again, which offers its autosave back`);
      dirty = false;
      closePending = false;
      quitting = false;
      if (win && !win.isDestroyed()) win.reload();
    });
    win.on('closed', () => {
      // The run is stopped with what it recorded; quitting waits for its summary.json (will-quit below).
      void host.dispose();
      win = null;
    });
  };

  const single = app.requestSingleInstanceLock();
  if (!single) {
    app.quit();
  } else {
    app.on('second-instance', () => {
      if (win) {
        if (win.isMinimized()) win.restore();
        win.focus();
      }
    });
    void app.whenReady().then(async () => {
      await rebuildMenu();
      open();
      host.warmUp();
      app.on('activate', () => {
        if (!win) {
          open();
          host.warmUp();
        }
      });
    });
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') void host.dispose().then(() => app.quit());
    });
    app.on('before-quit', () => {
      quitting = true;
    });
    // Cmd+Q, or the last window's run: the process ends only once every run folder has its summary.json.
    app.on('will-quit', (e) => {
      if (!host.writing) return;
      e.preventDefault();
      void host.dispose().then(() => app.quit());
    });
    app.on('web-contents-created', (_e, wc) => {
      wc.setWindowOpenHandler(() => ({ action: 'deny' }));
    });
  }
  return { window: () => win, host, send };
}

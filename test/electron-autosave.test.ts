/**
 * Electron's autosave keeps the file the unsaved work belongs to; recovery gives that file back for Save to write
 * only when the host would write there anyway (picked in a dialog, or in the recent list), else just its name.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElectronService } from '../electron/main/service.ts';
import { RecentFiles } from '../electron/main/recent.ts';
import { Autosave } from '../nodes/server/files.ts';
import type { RunHost } from '../nodes/server/engine-host.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plasticity-electron-autosave-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function service(picked: string | null = null) {
  const recent = new RecentFiles(join(dir, 'recent.json'));
  const svc = createElectronService({
    dialog: {
      showOpenDialog: async () => ({ canceled: !picked, filePaths: picked ? [picked] : [] }),
      showSaveDialog: async () => ({ canceled: true }),
    } as never,
    window: () => null,
    host: { runsDir: join(dir, 'runs') } as unknown as RunHost,
    examplesDir: join(dir, 'examples'),
    autosave: new Autosave(join(dir, 'autosave.plasticity.json')),
    recent,
    version: '0',
    platform: 'linux',
    onTitle: () => undefined,
    onCloseAfterSave: () => undefined,
  });
  return { svc, recent };
}

describe('Electron autosave and recovery', () => {
  const graph = '{"format":"plasticity-graph","version":1,"name":"stdp-rate-vs-spike","nodes":[],"wires":[]}';
  const mine = () => join(dir, 'mine.json');

  it('gives back the file of the work when it was picked in a dialog (a crashed page reloaded)', async () => {
    await writeFile(mine(), graph);
    const { svc } = service(mine());
    expect(await svc.openDialog({ purpose: 'open' })).toEqual({ path: mine() });
    await svc.autosave({ text: graph, path: mine() });
    expect(await svc.recoverAutosave({})).toMatchObject({ text: graph, slot: null, file: { path: mine(), name: 'mine.json' } });
    // Saving there is allowed, as it was before the crash.
    expect(await svc.writeFile({ path: mine(), text: graph })).toEqual({ path: mine(), name: 'mine.json' });
  });

  it('gives it back in a later session while the file is in the recent list', async () => {
    // A new session: no dialog grants, but the recent list (kept on disk) has mine.json from the write above.
    await vi.waitFor(async () => expect(JSON.parse(await readFile(join(dir, 'recent.json'), 'utf8'))).toContain(mine()));
    const { svc } = service();
    expect(await svc.recoverAutosave({})).toMatchObject({ text: graph, file: { path: mine(), name: 'mine.json' } });
  });

  it('gives only the name (Save asks where) for a path neither picked nor recent: the autosave is no grant', async () => {
    const { svc, recent } = service();
    recent.clear();
    await svc.autosave({ text: graph, path: '/etc/evil.json' });
    expect(await svc.recoverAutosave({})).toMatchObject({ text: graph, file: { path: null, name: 'evil.json' } });
    await expect(svc.writeFile({ path: '/etc/evil.json', text: graph })).rejects.toThrow(/not chosen/);
  });

  it('recovers work with no file, and a text-only autosave of an earlier version, with none', async () => {
    const { svc } = service();
    await svc.autosave({ text: graph });
    expect(await readFile(join(dir, 'autosave.plasticity.json'), 'utf8')).toBe(graph);
    expect(await svc.recoverAutosave({})).toMatchObject({ text: graph, file: null });
    await svc.autosave({ text: null });
    expect(await svc.recoverAutosave({})).toEqual({ text: null, savedAt: null, slot: null, file: null });
  });
});

/** The application menu: every item either sends a MenuCommand to the renderer or is a platform role. */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../common/names.ts';
import { basename } from 'node:path';

export interface MenuDeps {
  isMac: boolean;
  appName: string;
  send: (command: MenuCommand, arg?: string) => void;
  recent: string[];
  examples: { id: string; name: string }[];
  clearRecent: () => void;
}

export function menuTemplate(d: MenuDeps): MenuItemConstructorOptions[] {
  // A key without Cmd, Ctrl or Alt (Shift+F, Delete) is shown but left to the page, whose handler knows when a text
  // field has the focus: as a menu accelerator it would take the key from the field (a capital F typed, say).
  const cmd = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator, ...(/(Cmd|Ctrl|Alt|Option|Super)/.test(accelerator) ? {} : { registerAccelerator: false }) } : {}),
    click: () => d.send(command),
  });
  const recent: MenuItemConstructorOptions[] = d.recent.length
    ? [...d.recent.map((p) => ({ label: basename(p), sublabel: p, click: () => d.send('openRecent', p) })), { type: 'separator' as const }, { label: 'Clear Recent', click: d.clearRecent }]
    : [{ label: 'No recent files', enabled: false }];
  const examples: MenuItemConstructorOptions[] = d.examples.length
    ? d.examples.map((e) => ({ label: e.name, click: () => d.send('openExample', e.id) }))
    : [{ label: 'No examples found', enabled: false }];
  const template: MenuItemConstructorOptions[] = [];
  if (d.isMac) template.push({ label: d.appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] });
  template.push(
    {
      label: 'File',
      submenu: [
        cmd('New', 'new', 'CmdOrCtrl+N'),
        cmd('Open…', 'open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        cmd('Save', 'save', 'CmdOrCtrl+S'),
        cmd('Save As…', 'saveAs', 'Shift+CmdOrCtrl+S'),
        { type: 'separator' },
        cmd('Import…', 'import', 'CmdOrCtrl+I'),
        cmd('Export Graph Config…', 'exportConfig', 'Shift+CmdOrCtrl+E'),
        { type: 'separator' },
        { label: 'Examples', submenu: examples },
        ...(d.isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        cmd('Undo', 'undo', 'CmdOrCtrl+Z'),
        cmd('Redo', 'redo', d.isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        cmd('Cut', 'cut', 'CmdOrCtrl+X'),
        cmd('Copy', 'copy', 'CmdOrCtrl+C'),
        cmd('Paste', 'paste', 'CmdOrCtrl+V'),
        cmd('Duplicate', 'duplicate', 'CmdOrCtrl+D'),
        cmd('Select All', 'selectAll', 'CmdOrCtrl+A'),
        cmd('Delete', 'delete', d.isMac ? 'Backspace' : 'Delete'),
      ],
    },
    {
      label: 'View',
      submenu: [
        cmd('Zoom to Fit', 'zoomToFit', 'Shift+F'),
        cmd('Arrange', 'arrange', 'Shift+CmdOrCtrl+L'),
        // Not Cmd+M, which is Minimize (Window menu) on macOS.
        cmd('Minimap', 'toggleMinimap', 'Shift+CmdOrCtrl+M'),
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { role: 'toggleDevTools' },
      ],
    },
    {
      label: 'Run',
      submenu: [cmd('Run', 'run', 'CmdOrCtrl+Enter'), cmd('Stop', 'stop', 'CmdOrCtrl+.')],
    },
    // Minimize and Close (Cmd+M, Cmd+W on macOS; Zoom and Bring All to Front there too).
    { role: 'windowMenu' },
    {
      label: 'Help',
      submenu: [cmd('Keyboard and Mouse Shortcuts', 'shortcuts')],
    },
  );
  return template;
}

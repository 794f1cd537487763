/**
 * This tab's autosave slot (browser mode): an id the tab makes up once and keeps in sessionStorage, so a reload finds
 * its own unsaved work and tabs editing different graphs keep an autosave each. Electron's single window sends it
 * too; its host keeps one autosave and ignores it.
 */
const KEY = 'plasticity.autosaveSlot';

const newSlot = (): string => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');

/** The tab's slot, made up on first use. Without sessionStorage (blocked storage), a fresh one per page. */
export function tabSlot(): string {
  try {
    const s = sessionStorage.getItem(KEY) ?? newSlot();
    sessionStorage.setItem(KEY, s);
    return s;
  } catch {
    return newSlot();
  }
}

/** The tab takes over `slot` (it recovered the autosave lying there), so its autosaves go on in the same file. */
export function adoptSlot(slot: string): void {
  try {
    sessionStorage.setItem(KEY, slot);
  } catch {
    // The slot is kept for this page only.
  }
}

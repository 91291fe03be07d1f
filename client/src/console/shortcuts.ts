/** Keyboard shortcuts of the console, as data: the key, what it does, and whether it fires while typing. Pure. */
export type ShortcutAction = 'compute' | 'apply' | 'search' | 'tab' | 'close';

export interface Shortcut {
  action: ShortcutAction;
  tab?: number;
}

export const SHORTCUT_HELP = 'Keys: p compute plan · a apply · / search · 1–6 panels · Esc close';

/** Which shortcut a key press means, or null. Only Esc works while typing in a field. */
export function shortcutFor(key: string, typing: boolean, modifiers: boolean): Shortcut | null {
  if (modifiers) return null;
  if (key === 'Escape') return { action: 'close' };
  if (typing) return null;
  if (key === 'p') return { action: 'compute' };
  if (key === 'a') return { action: 'apply' };
  if (key === '/') return { action: 'search' };
  if (/^[1-6]$/.test(key)) return { action: 'tab', tab: Number(key) - 1 };
  return null;
}

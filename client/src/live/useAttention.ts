/**
 * The console's "Needs attention" list, live: open guest replies and perks pending approval are
 * loaded once from the API, then kept current by folding the incident's events (which the console
 * already receives), so an item appears and disappears on every console without a reload. A perk
 * known only from its event is fetched again for its note and receipt.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError } from '../api.js';
import { attentionOf, foldAttention, undetailed, type Attention, type AttentionBase } from '../console/attention.js';
import type { EventLog } from '../console/event-log.js';
import type { AttentionSettings } from '../../../shared/attention.js';

export interface AttentionState {
  attention: Attention;
  /** True once both lists have been read from the server. */
  loaded: boolean;
  error: unknown;
  reload(): Promise<void>;
  /** Mark a guest reply handled (with an optional note; `resume`: take the household off "needs help"). Throws the ApiError when refused. */
  handle(replyId: string, note: string, resume?: boolean): Promise<void>;
  approve(entryId: string): Promise<void>;
  /** Resolve an exception with a note; a colleague's earlier resolution is a 409 (the item goes either way). */
  resolve(itemId: string, note: string): Promise<void>;
  /**
   * A colleague was quicker: what the server said, and the note that was not recorded. Kept until
   * dismissed, since the item it was about is gone from the list.
   */
  refused: string | null;
  dismissRefused(): void;
  /** The incident's thresholds (overdue, not checked in), null until loaded. */
  settings: AttentionSettings | null;
  saveSettings(next: Partial<AttentionSettings>): Promise<void>;
  reject(entryId: string, reason: string): Promise<void>;
}

const DETAIL_REFETCH_MS = 250;

export function useAttention(incidentId: string, log: EventLog, onAuthError: (err: unknown) => void): AttentionState {
  const [base, setBase] = useState<AttentionBase | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [settings, setSettings] = useState<AttentionSettings | null>(null);
  /** Closed by this console: hidden at once, before its event comes back. */
  const [closed, setClosed] = useState<ReadonlySet<string>>(() => new Set());
  const [refused, setRefused] = useState<string | null>(null);
  const tried = useRef(new Set<string>());

  const reload = useCallback(async () => {
    const [replies, perks, queue] = await Promise.allSettled([api.openReplies(incidentId), api.pendingPerks(incidentId), api.attention(incidentId)]);
    const failed = [replies, perks, queue].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      onAuthError(failed.reason);
      setError(failed.reason);
    } else setError(null);
    setBase((prev) => ({
      replies: replies.status === 'fulfilled' ? replies.value.replies : (prev?.replies ?? []),
      perks: perks.status === 'fulfilled' ? perks.value.lines : (prev?.perks ?? []),
      items: queue.status === 'fulfilled' ? queue.value.items : (prev?.items ?? []),
    }));
    if (queue.status === 'fulfilled') setSettings(queue.value.settings);
  }, [incidentId, onAuthError]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const attention = useMemo(() => {
    const a = foldAttention(base, log.events);
    if (closed.size === 0) return a;
    const replies = a.replies.filter((r) => !closed.has(r.id));
    const perks = a.perks.filter((p) => !closed.has(p.entryId));
    const items = a.items.filter((i) => !closed.has(i.id));
    return attentionOf(replies, perks, items);
  }, [base, log.events, closed]);

  // A perk that arrived by event lacks its note and receipt: read the list again, once per perk.
  const missing = undetailed(attention)
    .filter((id) => !tried.current.has(id))
    .join(',');
  useEffect(() => {
    if (!missing || base === null) return;
    const t = setTimeout(() => {
      for (const id of missing.split(',')) tried.current.add(id);
      void reload();
    }, DETAIL_REFETCH_MS);
    return () => clearTimeout(t);
  }, [missing, base, reload]);

  const close = useCallback((id: string) => setClosed((s) => new Set(s).add(id)), []);

  /** Run an action; "already done" or "gone" (a colleague was quicker) also takes the item off. */
  const act = useCallback(
    async (id: string, run: () => Promise<unknown>) => {
      try {
        await run();
        close(id);
      } catch (err) {
        onAuthError(err);
        if (err instanceof ApiError && (err.status === 409 || err.status === 404)) close(id);
        throw err;
      }
    },
    [close, onAuthError],
  );

  const handle = useCallback(
    (replyId: string, note: string, resume = false) => act(replyId, () => api.handleReply(incidentId, replyId, note, resume)),
    [act, incidentId],
  );
  const approve = useCallback((entryId: string) => act(entryId, () => api.approvePerk(incidentId, entryId)), [act, incidentId]);
  const reject = useCallback((entryId: string, reason: string) => act(entryId, () => api.rejectPerk(incidentId, entryId, reason)), [act, incidentId]);

  const resolve = useCallback(
    async (itemId: string, note: string) => {
      try {
        await act(itemId, () => api.resolveAttention(incidentId, itemId, note));
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) setRefused(`${err.message} Your note was not recorded: "${note}".`);
        throw err;
      }
    },
    [act, incidentId],
  );
  const dismissRefused = useCallback(() => setRefused(null), []);
  const saveSettings = useCallback(
    async (next: Partial<AttentionSettings>) => {
      setSettings(await api.attentionSettings(incidentId, next));
    },
    [incidentId],
  );

  return { attention, loaded: base !== null, error, reload, handle, approve, reject, resolve, refused, dismissRefused, settings, saveSettings };
}

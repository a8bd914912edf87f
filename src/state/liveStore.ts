/**
 * Live mode's store: one connection to a real etcd, polled at an interval the user sets, and
 * what the page shows of it (members with their status and the changes seen between polls,
 * a page of keys, a watch feed, leases, alarms) plus its etcdctl console.
 *
 * Invariants: at most one LiveCluster is open; a refused connect leaves the state as it was
 * (the old connection, if any, is kept); read-only starts on and is forgotten with the page;
 * a destructive command runs only after `confirmRun`; the password is never put in this state.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AlarmMember, Bytes, Event } from '../server/api.ts';
import { utf8FromBytes } from '../server/api.ts';
import { LiveCluster, LiveConnectError, type ConnectOptions, type KeyPage, type LiveLease, type LiveSnapshot, type WatchFeedState } from '../live/liveCluster.ts';
import { liveChanges, type LiveChange } from '../live/liveChanges.ts';
import { LiveInputError, parseEndpointList } from '../live/liveEndpoints.ts';
import { checkCommand } from '../live/commandSafety.ts';
import { pushHistory } from './consoleModel.ts';
import { appendChunk, finishEntry } from './consoleEntry.ts';
import { snapshotSavePath, type ConsoleEntry } from './store.ts';

export type { KeyPage, LiveLease, LiveSnapshot, WatchFeedState, LiveChange };
export type { LiveMember } from '../live/liveCluster.ts';
export { isLiveQuery, parseLiveQuery } from '../live/liveQuery.ts';

export interface LiveForm {
  endpoints: string;
  user: string;
  via: 'direct' | 'proxy';
  pollMs: number;
}

export interface LiveFeedEvent {
  id: number;
  atMs: number;
  type: Event['type'];
  key: string;
  value: string;
  modRevision: number;
}

export interface LiveState {
  form: LiveForm;
  phase: 'disconnected' | 'connecting' | 'connected';
  /** Why the last connect was refused (one line per endpoint or cause). */
  problems: string[];
  connectedTo: string[];
  connectedUser: string;
  via: 'direct' | 'proxy';
  version: string;
  snapshot: LiveSnapshot | null;
  pollError: string | null;
  changes: (LiveChange & { id: number; atMs: number })[];
  keys: { prefix: string; page: KeyPage | null; starts: Bytes[]; error: string | null };
  watch: { prefix: string; events: LiveFeedEvent[]; state: WatchFeedState | null };
  leases: LiveLease[];
  alarms: AlarmMember[];
  readError: string | null;
  readOnly: boolean;
  confirm: { line: string; stdin?: string; path: string; effect: string } | null;
  consoleEntries: ConsoleEntry[];
  consoleHistory: string[];
  selected: string | null;
}

export interface LiveActions {
  setForm(f: Partial<LiveForm>): void;
  connect(password?: string): Promise<void>;
  disconnect(): void;
  setReadOnly(on: boolean): void;
  setPollMs(ms: number): void;
  refresh(): Promise<void>;
  loadKeys(prefix: string): Promise<void>;
  nextKeys(): Promise<void>;
  prevKeys(): Promise<void>;
  setWatchPrefix(prefix: string): void;
  run(line: string, stdin?: string): Promise<void>;
  confirmRun(): Promise<void>;
  cancelConfirm(): void;
  stop(id?: number): void;
  clearConsole(): void;
  select(id: string | null): void;
}

export type LiveStore = StoreApi<LiveState & LiveActions>;

export const MIN_POLL_MS = 250;
export const MAX_POLL_MS = 60_000;

export interface LiveStoreOptions {
  pageOrigin?: string;
  connect?: (opts: ConnectOptions) => Promise<LiveCluster>;
}

export function createLiveStore(opts: LiveStoreOptions = {}): LiveStore {
  const open = opts.connect ?? ((o: ConnectOptions) => LiveCluster.connect(o));
  let live: LiveCluster | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopWatch: (() => void) | null = null;
  let seq = 1;
  let polling = false;
  const aborters = new Map<number, AbortController>();

  return createStore<LiveState & LiveActions>()((set, get) => {
    const schedule = (): void => {
      if (timer) clearTimeout(timer);
      if (!live) return;
      timer = setTimeout(() => void get().refresh().finally(schedule), get().form.pollMs);
    };

    const startWatch = (prefix: string): void => {
      stopWatch?.();
      stopWatch = null;
      if (!live) return;
      const c = live;
      set({ watch: { prefix, events: [], state: null } });
      stopWatch = c.watchPrefix(
        prefix,
        (events) => {
          const now = Date.now();
          const feed: LiveFeedEvent[] = events.map((e) => ({ id: seq++, atMs: now, type: e.type, key: utf8FromBytes(e.kv.key), value: utf8FromBytes(e.kv.value), modRevision: e.kv.mod_revision }));
          set((s) => ({ watch: { ...s.watch, events: [...s.watch.events, ...feed].slice(-200) } }));
        },
        (state) => set((s) => ({ watch: { ...s.watch, state } })),
      );
    };

    const readKeys = async (prefix: string, starts: Bytes[]): Promise<void> => {
      if (!live) return;
      try {
        const after = starts[starts.length - 1];
        const page = await live.keys(prefix, after !== undefined ? { after } : {});
        set({ keys: { prefix, page, starts, error: null } });
      } catch (e) {
        set({ keys: { prefix, page: get().keys.page, starts, error: e instanceof Error ? e.message : String(e) } });
      }
    };

    const execute = async (line: string, stdin: string | undefined): Promise<void> => {
      const c = live;
      const id = seq++;
      const command = line.trim().replace(/^etcdctl\s+/, '');
      const entry: ConsoleEntry = { id, command, stdout: '', stderr: '', chunks: [], exitCode: null, running: true, atMs: Date.now() };
      set((s) => ({ consoleEntries: [...s.consoleEntries.slice(-199), entry], consoleHistory: pushHistory(s.consoleHistory, line) }));
      const update = (f: (e: ConsoleEntry) => ConsoleEntry): void => set((s) => ({ consoleEntries: s.consoleEntries.map((e) => (e.id === id ? f(e) : e)) }));
      if (!c) {
        update((e) => ({ ...e, running: false, exitCode: 1, stderr: 'Error: not connected\n', chunks: [{ stream: 'stderr', text: 'Error: not connected: connect to a cluster first\n' }] }));
        return;
      }
      const ctl = new AbortController();
      aborters.set(id, ctl);
      try {
        const res = await c.etcdctl(command, {
          ...(stdin !== undefined ? { stdin } : {}),
          signal: ctl.signal,
          onStream: (chunk) => update((e) => appendChunk(e, chunk)),
        });
        update((e) => finishEntry(e, res));
        // The snapshot etcdctl saved is offered for download, as the simulation's console does.
        const savedPath = res.exitCode === 0 ? snapshotSavePath(command) : undefined;
        const blob = savedPath !== undefined ? c.file(savedPath) : undefined;
        if (savedPath !== undefined && blob !== undefined) update((e) => ({ ...e, file: { path: savedPath, blob } }));
      } finally {
        aborters.delete(id);
      }
      // What the command changed shows at once, not at the next poll.
      if (checkCommand(command).safety !== 'read') void get().refresh();
    };

    return {
      form: { endpoints: '127.0.0.1:2379', user: '', via: 'direct', pollMs: 1000 },
      phase: 'disconnected',
      problems: [],
      connectedTo: [],
      connectedUser: '',
      via: 'direct',
      version: '',
      snapshot: null,
      pollError: null,
      changes: [],
      keys: { prefix: '', page: null, starts: [], error: null },
      watch: { prefix: '', events: [], state: null },
      leases: [],
      alarms: [],
      readError: null,
      readOnly: true,
      confirm: null,
      consoleEntries: [],
      consoleHistory: [],
      selected: null,

      setForm(f) {
        set((s) => ({ form: { ...s.form, ...f } }));
      },

      async connect(password) {
        const { form } = get();
        let endpoints: string[];
        try {
          endpoints = parseEndpointList(form.endpoints);
        } catch (e) {
          set({ problems: [e instanceof LiveInputError ? e.message : String(e)] });
          return;
        }
        set({ phase: 'connecting', problems: [] });
        let next: LiveCluster;
        try {
          next = await open({
            endpoints,
            via: form.via,
            ...(opts.pageOrigin !== undefined ? { pageOrigin: opts.pageOrigin } : {}),
            ...(form.user ? { user: form.user, password: password ?? '' } : {}),
          });
        } catch (e) {
          // Refused: whatever was connected before stays connected.
          set({ phase: live ? 'connected' : 'disconnected', problems: e instanceof LiveConnectError ? e.problems : [e instanceof Error ? e.message : String(e)] });
          return;
        }
        get().disconnect();
        live = next;
        live.readOnly = true;
        set({ phase: 'connected', connectedTo: endpoints, connectedUser: form.user, via: form.via, version: next.version, readOnly: true, changes: [], snapshot: null, problems: [] });
        startWatch('');
        await Promise.all([get().refresh(), readKeys('', [])]);
        schedule();
      },

      disconnect() {
        if (timer) clearTimeout(timer);
        timer = undefined;
        stopWatch?.();
        stopWatch = null;
        for (const c of aborters.values()) c.abort();
        live?.close();
        live = null;
        set({ phase: 'disconnected', connectedTo: [], snapshot: null, leases: [], alarms: [], keys: { prefix: '', page: null, starts: [], error: null }, watch: { prefix: '', events: [], state: null }, confirm: null, readOnly: true, pollError: null });
      },

      setReadOnly(on) {
        if (live) live.readOnly = on;
        set({ readOnly: on });
      },

      setPollMs(ms) {
        if (!Number.isFinite(ms)) return;
        set((s) => ({ form: { ...s.form, pollMs: Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Math.round(ms))) } }));
        schedule();
      },

      async refresh() {
        const c = live;
        if (!c || polling) return;
        polling = true;
        try {
          const snap = await c.poll();
          if (live !== c) return;
          const found = liveChanges(get().snapshot, snap).map((x) => ({ ...x, id: seq++, atMs: snap.atMs }));
          set((s) => ({ snapshot: snap, pollError: snap.memberListError ?? null, changes: [...s.changes, ...found].slice(-50) }));
          const [leases, alarms] = await Promise.all([c.leases().then((l) => ({ l }), (e: unknown) => ({ e })), c.alarms().then((a) => ({ a }), (e: unknown) => ({ e }))]);
          if (live !== c) return;
          const err = 'e' in leases ? leases.e : 'e' in alarms ? alarms.e : null;
          set({ ...('l' in leases ? { leases: leases.l } : {}), ...('a' in alarms ? { alarms: alarms.a } : {}), readError: err === null ? null : err instanceof Error ? err.message : String(err) });
          await readKeys(get().keys.prefix, get().keys.starts);
        } catch (e) {
          set({ pollError: e instanceof Error ? e.message : String(e) });
        } finally {
          polling = false;
        }
      },

      async loadKeys(prefix) {
        await readKeys(prefix, []);
      },
      async nextKeys() {
        const { keys } = get();
        const last = keys.page?.kvs[keys.page.kvs.length - 1];
        if (!keys.page?.more || !last) return;
        await readKeys(keys.prefix, [...keys.starts, last.key]);
      },
      async prevKeys() {
        const { keys } = get();
        if (keys.starts.length === 0) return;
        await readKeys(keys.prefix, keys.starts.slice(0, -1));
      },

      setWatchPrefix(prefix) {
        startWatch(prefix);
      },

      async run(line, stdin) {
        const command = line.trim().replace(/^etcdctl\s+/, '');
        if (!command) return;
        const check = checkCommand(command);
        if (check.safety === 'destructive' && !get().readOnly) {
          set({ confirm: { line: command, ...(stdin !== undefined ? { stdin } : {}), path: check.path, effect: check.effect ?? '' } });
          return;
        }
        await execute(command, stdin);
      },

      async confirmRun() {
        const c = get().confirm;
        if (!c) return;
        set({ confirm: null });
        await execute(c.line, c.stdin);
      },

      cancelConfirm() {
        const c = get().confirm;
        if (!c) return;
        set((s) => ({ confirm: null, consoleHistory: pushHistory(s.consoleHistory, c.line) }));
      },

      stop(id) {
        if (id === undefined) for (const c of aborters.values()) c.abort();
        else aborters.get(id)?.abort();
      },

      clearConsole() {
        set((s) => ({ consoleEntries: s.consoleEntries.filter((e) => e.running) }));
      },

      select(id) {
        set({ selected: id });
      },
    };
  });
}

/**
 * The UI's one store (zustand, vanilla so it holds no React): slices for the cluster, network,
 * time, timeline, console, selection, feed, workload and preferences, with their actions beside
 * them. It mirrors the runtime; the runtime stays the only source of truth. Actions call the
 * PlaygroundApi and report failures as notices instead of throwing into the UI.
 *
 * Hot data (messages in flight, their positions) is NOT kept here: components read it from the
 * api transiently each animation frame.
 */
import { appendChunk, finishEntry } from './consoleEntry.ts';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Marker, TermBand } from './timeline.ts';
import type { FeedItem } from './feed.ts';
import { pushHistory } from './consoleModel.ts';
import { consoleTip } from './consoleTips.ts';
import { defaultWorkload, validateWorkload, WorkloadRunner, type WorkloadOptions } from './workload.ts';
import type { OpSample } from './workloadStats.ts';
import { travelSlice, type TravelActions, type TravelState } from './travelSlice.ts';
import { lessonSlice, type LessonActions, type LessonState } from './lessonSlice.ts';
import { finderSlice, type FinderActions, type FinderState } from './finderSlice.ts';
import type { InvariantStatus } from '../runtime/invariantMonitor.ts';
import type { HistoryLaneView } from '../runtime/historyLane.ts';
import type {
  ClusterSettings,
  FlightView,
  LinkSettings,
  LinkState,
  MemberDetails,
  MemberInfo,
  PlaygroundApi,
  Speed,
} from './types.ts';

export interface ClientActorView {
  name: string;
  /** The member it last talked to. */
  endpoint: string;
  lastSeenMs: number;
}

export interface ConsoleEntry {
  id: number;
  command: string;
  stdout: string;
  stderr: string;
  /** Interleaved output in arrival order, for display: each chunk is stdout or stderr. */
  chunks: { stream: 'stdout' | 'stderr'; text: string }[];
  exitCode: number | null;
  running: boolean;
  /** Virtual time the command was run at: the past view shows the transcript up to then. */
  atMs?: number;
  /** A file the command wrote (`snapshot save <path>`), offered for download. Bytes as a byte string. */
  file?: { path: string; blob: string };
  /** A hint from the console itself (not etcdctl output) when a command hit a common trap. */
  tip?: string;
}

export interface Notice {
  id: number;
  text: string;
  level: 'info' | 'error';
}

/** A message the network dropped: the view shows it vanish. */
export interface DropMark {
  envelopeId: number;
  from: string;
  to: string;
  atMs: number;
  detail: string;
}

/**
 * Hot data written in place by the bridge and read by the drawing loop each frame; never
 * replaced, so writing it re-renders nothing.
 */
export interface HotData {
  drops: DropMark[];
}

export type InspectorTab = 'raft' | 'storage' | 'mvcc' | 'leases' | 'watchers';
export type SideTab = 'inspector' | 'network' | 'workload' | 'settings' | 'feed';

export interface PlaygroundState {
  api: PlaygroundApi | null;

  // cluster slice
  status: 'starting' | 'ready' | 'resetting' | 'error';
  error: string;
  members: MemberInfo[];
  settings: ClusterSettings | null;
  /** Raft's safety properties as the monitor last checked them (violation null while all hold). */
  invariants: InvariantStatus;
  /** The history lane: recent client operations as intervals, and the linearizability check. */
  history: HistoryLaneView;
  clients: ClientActorView[];
  /** A member action in progress ('' when none), for disabling buttons. */
  busy: string;

  // network slice
  /** The islands the user arranged; one island = no partition. */
  islands: string[][];
  /** linkState(a, b) for every ordered pair of members, keyed "a>b". */
  links: Record<string, LinkState>;
  globalLink: LinkSettings;
  perLink: Record<string, LinkSettings>;
  /** One-way cuts in the network, keyed "from>to" (which way a one-way cut goes). */
  oneWay: Record<string, true>;

  // time slice
  nowMs: number;
  paused: boolean;
  speed: Speed;

  // timeline slice
  bands: TermBand[];
  markers: Marker[];

  // console slice
  consoleEntries: ConsoleEntry[];
  consoleHistory: string[];
  /** '' means every member (the client fails over). */
  consoleEndpoint: string;

  // selection slice
  selectedMember: string;
  selectedFlight: FlightView | null;
  selectedMarker: number;
  inspectorTab: InspectorTab;
  sideTab: SideTab;

  // feed and narration
  feed: FeedItem[];
  /** The latest sentence for the ARIA live region. */
  narration: { id: number; text: string };
  notices: Notice[];

  // workload slice
  workload: { running: boolean; options: WorkloadOptions; samples: OpSample[]; startedAtMs: number; error: string };

  hot: HotData;

  // preferences
  projector: boolean;
  /** `?embed=1`: the cluster, the time controls and the scrubber only, for slides and blogs. */
  embed: boolean;
  reducedMotion: boolean;
}

export interface PlaygroundActions {
  attach(api: PlaygroundApi): void;
  notify(text: string, level?: Notice['level']): void;
  dismissNotice(id: number): void;
  narrate(text: string): void;

  crash(name: string): Promise<void>;
  restart(name: string): Promise<void>;
  wipe(name: string): Promise<void>;
  campaign(name: string): Promise<void>;
  transferLeader(to: string): Promise<void>;
  addMember(learner: boolean): Promise<void>;
  promote(name: string): Promise<void>;
  removeMember(name: string): Promise<void>;
  replaceMember(name: string): Promise<void>;

  setIslands(islands: string[][]): void;
  heal(): void;
  isolateLeader(): void;
  split(minority: number): void;
  cycleLink(a: string, b: string): void;
  /** Sets one link to a state: healthy ('none'), cut from→to only ('one-way'), or cut both ways. */
  setLinkCut(from: string, to: string, cut: 'none' | 'one-way' | 'both'): void;
  setLinkSettings(opts: LinkSettings & { from?: string; to?: string }): void;
  /** One member's disk: virtual ms per WAL write, or null for the cluster's setting. */
  setDisk(name: string, fsyncMs: number | null): void;
  setClock(name: string, rate: number | null): void;
  dropFlight(id: number): boolean;

  togglePause(): void;
  step(): Promise<void>;
  setSpeed(speed: Speed): void;

  reset(settings: Partial<ClusterSettings>): Promise<void>;

  /** `endpoint` overrides the console's endpoint choice ('' = every member), as a lesson's commands do. */
  runConsole(line: string, stdin?: string, opts?: { endpoint?: string }): Promise<void>;
  stopConsole(id?: number): void;
  clearConsole(): void;
  setConsoleEndpoint(name: string): void;

  select(name: string): void;
  selectFlight(f: FlightView | null): void;
  selectMarker(id: number): void;
  setInspectorTab(tab: InspectorTab): void;
  setSideTab(tab: SideTab): void;

  startWorkload(opts: WorkloadOptions): void;
  stopWorkload(): void;
  /** Called once per frame by the bridge: lets the workload issue what is due. */
  tickWorkload(nowMs: number): void;

  memberDetails(name: string): Promise<MemberDetails>;
  /** Leases as the member's lessor reports them over the etcd API (LeaseLeases + LeaseTimeToLive). */

  setProjector(on: boolean): void;
  setReducedMotion(on: boolean): void;
}

export type Store = PlaygroundState & PlaygroundActions & TravelState & TravelActions & LessonState & LessonActions & FinderState & FinderActions;
export type PlaygroundStore = StoreApi<Store>;

export const linkKey = (a: string, b: string): string => `${a}>${b}`;

/**
 * The state a link shows as one cycle step. A runtime may report a one-way cut on both ordered
 * pairs (it says the link is cut one way, not which way); `oneWay` then remembers which direction
 * the UI cut, keyed "a>b" for a cut from a to b.
 */
export function linkPairState(
  links: Record<string, LinkState>,
  a: string,
  b: string,
  oneWay: Record<string, true> = {},
): 'healthy' | 'cut-ab' | 'cut-ba' | 'cut-both' {
  const ab = links[linkKey(a, b)] ?? 'healthy';
  const ba = links[linkKey(b, a)] ?? 'healthy';
  if (ab === 'cut-both' || ba === 'cut-both') return 'cut-both';
  if (ab === 'healthy' && ba === 'healthy') return 'healthy';
  if (ab !== 'healthy' && ba === 'healthy') return 'cut-ab';
  if (ab === 'healthy' && ba !== 'healthy') return 'cut-ba';
  return oneWay[linkKey(b, a)] ? 'cut-ba' : 'cut-ab';
}

/** Splits names into a minority of `k` (taken from the end, leader kept in the majority) and the rest. */
export function splitGroups(names: readonly string[], leader: string, k: number): string[][] {
  const others = names.filter((n) => n !== leader);
  const minority = others.slice(Math.max(0, others.length - k));
  const majority = names.filter((n) => !minority.includes(n));
  return [majority, minority].filter((g) => g.length > 0);
}

let noticeSeq = 1;
let consoleSeq = 1;
let narrationSeq = 1;

export function createPlaygroundStore(): PlaygroundStore {
  const aborters = new Map<number, AbortController>();
  let runner: WorkloadRunner | null = null;

  return createStore<Store>()((set, get) => {
    const api = (): PlaygroundApi => {
      const a = get().api;
      if (!a) throw new Error('the cluster is not running yet');
      return a;
    };

    /** Reads one pair's link states back from the runtime, once a change to it has landed. */
    const refreshPair = (a: string, b: string): void => {
      const p = get().api;
      if (!p) return;
      try {
        set({ links: { ...get().links, [linkKey(a, b)]: p.linkState(a, b), [linkKey(b, a)]: p.linkState(b, a) } });
      } catch {
        // A member that went away meanwhile: the runtime's next update draws it.
      }
    };

    /** Runs a member action with its failure turned into a notice. */
    const act = async (label: string, f: (a: PlaygroundApi) => Promise<unknown>): Promise<void> => {
      set({ busy: label });
      try {
        await f(api());
      } catch (e) {
        get().notify(`${label} failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
      } finally {
        set({ busy: '' });
      }
    };

    const applyIslands = (islands: string[][]): void => {
      const a = api();
      const groups = islands.filter((g) => g.length > 0);
      if (groups.length <= 1) {
        a.heal();
        set({ islands: [get().members.map((m) => m.name)] });
        get().narrate('network healed: every member can reach every other');
      } else {
        a.partition(groups);
        set({ islands: groups });
        get().narrate(`partitioned into ${groups.map((g) => `{${g.join(', ')}}`).join(' and ')}`);
      }
    };

    return {
      ...travelSlice(set, get),
      ...finderSlice(set, get),
      ...lessonSlice(set, get),
      api: null,
      status: 'starting',
      error: '',
      members: [],
      settings: null,
      invariants: { checks: 0, violation: null },
      history: { operations: [], check: { result: 'none', checked: 0, text: '', involved: [] } },
      clients: [],
      busy: '',
      islands: [],
      links: {},
      globalLink: {},
      perLink: {},
      oneWay: {},
      nowMs: 0,
      paused: false,
      speed: 1,
      bands: [],
      markers: [],
      consoleEntries: [],
      consoleHistory: [],
      consoleEndpoint: '',
      selectedMember: '',
      selectedFlight: null,
      selectedMarker: 0,
      inspectorTab: 'raft',
      sideTab: 'inspector',
      feed: [],
      narration: { id: 0, text: '' },
      notices: [],
      workload: { running: false, options: defaultWorkload, samples: [], startedAtMs: 0, error: '' },
      hot: { drops: [] },
      projector: false,
      embed: false,
      reducedMotion: false,

      attach(a) {
        set({ api: a });
      },
      notify(text, level = 'info') {
        const n = { id: noticeSeq++, text, level };
        set((s) => ({ notices: [...s.notices.slice(-4), n] }));
        if (level === 'error') get().narrate(text);
      },
      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
      narrate(text) {
        set({ narration: { id: narrationSeq++, text } });
      },

      crash: (name) => act(`crash ${name}`, (a) => a.crash(name)),
      restart: (name) => act(`restart ${name}`, (a) => a.restart(name)),
      wipe: (name) => act(`wipe ${name}`, (a) => a.wipe(name)),
      campaign: (name) => act(`campaign ${name}`, (a) => a.campaign(name)),
      transferLeader: (to) => act(`transfer leadership to ${to}`, (a) => a.transferLeader(to)),
      addMember: (learner) =>
        act(learner ? 'add learner' : 'add member', async (a) => {
          const m = await a.addMember({ learner });
          get().narrate(`${m.name} added as ${learner ? 'a learner' : 'a voting member'}`);
          set((s) => ({ islands: s.islands.length ? [...s.islands.slice(0, -1), [...s.islands[s.islands.length - 1]!, m.name]] : [[m.name]] }));
        }),
      promote: (name) => act(`promote ${name}`, (a) => a.promoteMember(name)),
      removeMember: (name) =>
        act(`remove ${name}`, async (a) => {
          await a.removeMember(name);
          set((s) => ({ islands: s.islands.map((g) => g.filter((n) => n !== name)).filter((g) => g.length) }));
        }),
      replaceMember: (name) =>
        act(`replace ${name}`, async (a) => {
          const m = await a.replaceMember(name);
          get().narrate(`${name} replaced by ${m.name}`);
          set((s) => ({ islands: s.islands.map((g) => g.map((n) => (n === name ? m.name : n))), selectedMember: s.selectedMember === name ? m.name : s.selectedMember }));
        }),

      setIslands(islands) {
        try {
          applyIslands(islands);
        } catch (e) {
          get().notify(`partition failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
      heal() {
        try {
          api().heal();
          set({ islands: [get().members.map((m) => m.name)], perLink: {}, oneWay: {} });
          get().narrate('network healed: every link restored');
        } catch (e) {
          get().notify(`heal failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
      isolateLeader() {
        const leader = get().members.find((m) => m.role === 'leader' && m.alive);
        if (!leader) {
          get().notify('there is no leader to isolate right now', 'error');
          return;
        }
        get().setIslands([get().members.map((m) => m.name).filter((n) => n !== leader.name), [leader.name]]);
      },
      split(minority) {
        const names = get().members.map((m) => m.name);
        const leader = get().members.find((m) => m.role === 'leader')?.name ?? '';
        get().setIslands(splitGroups(names, leader, minority));
      },
      cycleLink(a, b) {
        try {
          const p = api();
          const state = linkPairState(get().links, a, b, get().oneWay);
          const oneWay = { ...get().oneWay };
          delete oneWay[linkKey(a, b)];
          delete oneWay[linkKey(b, a)];
          // healthy -> a to b cut -> both cut -> healthy.
          let applied: Promise<unknown>;
          let ab: LinkState;
          let ba: LinkState;
          if (state === 'healthy') {
            applied = p.cut(a, b, { oneWay: true });
            oneWay[linkKey(a, b)] = true;
            // The runtime names a pair's state the same from both ends; `oneWay` says which way.
            [ab, ba] = ['cut-one-way', 'cut-one-way'];
          } else if (state === 'cut-ab' || state === 'cut-ba') {
            applied = p.cut(a, b);
            [ab, ba] = ['cut-both', 'cut-both'];
          } else {
            applied = Promise.all([p.restore(a, b), p.restore(b, a)]);
            [ab, ba] = ['healthy', 'healthy'];
          }
          // A change lands between two steps of the world, so the runtime reports the old state
          // until then: the link shows what was asked at once (a second click goes on from it),
          // and what the runtime says once the change is in.
          set({ links: { ...get().links, [linkKey(a, b)]: ab, [linkKey(b, a)]: ba }, oneWay });
          void Promise.resolve(applied).then(() => refreshPair(a, b), () => undefined);
          const after = linkPairState({ [linkKey(a, b)]: ab, [linkKey(b, a)]: ba }, a, b, oneWay);
          get().narrate(
            after === 'healthy' ? `link ${a}–${b} healthy` : after === 'cut-both' ? `link ${a}–${b} cut both ways` : `link ${a}→${b} cut one way`,
          );
        } catch (e) {
          get().notify(`link change failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
      setLinkCut(from, to, cut) {
        try {
          const p = api();
          // Checked before anything changes: bad names leave the link as it was.
          p.linkState(from, to);
          if (from === to) throw new Error('a member has no link to itself');
          const restored = p.restore(from, to);
          const applied = cut !== 'none' ? Promise.all([restored, p.cut(from, to, { oneWay: cut === 'one-way' })]) : restored;
          const oneWay = { ...get().oneWay };
          delete oneWay[linkKey(from, to)];
          delete oneWay[linkKey(to, from)];
          if (cut === 'one-way') oneWay[linkKey(from, to)] = true;
          const asked: LinkState = cut === 'none' ? 'healthy' : cut === 'both' ? 'cut-both' : 'cut-one-way';
          set({ links: { ...get().links, [linkKey(from, to)]: asked, [linkKey(to, from)]: asked }, oneWay });
          void Promise.resolve(applied).then(() => refreshPair(from, to), () => undefined);
          get().narrate(cut === 'none' ? `link ${from}–${to} healthy` : cut === 'both' ? `link ${from}–${to} cut both ways` : `link ${from}→${to} cut one way`);
        } catch (e) {
          get().notify(`link change failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
      setDisk(name, fsyncMs) {
        try {
          api().setDisk(name, { fsyncMs });
          get().narrate(fsyncMs === null ? `${name}'s disk syncs as the cluster setting says` : `${name}'s disk now takes ${fsyncMs} ms per WAL write`);
        } catch (e) {
          get().notify(`disk change failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
      setClock(name, rate) {
        try {
          void Promise.resolve(api().setClock(name, { rate })).then(
            () => get().narrate(rate === null ? `${name}'s clock runs in step with the others` : `${name}'s clock now runs ${rate} times as fast`),
            (e: unknown) => get().notify(`clock change failed: ${e instanceof Error ? e.message : String(e)}`, 'error'),
          );
        } catch (e) {
          get().notify(`clock change failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },
      setLinkSettings(opts) {
        const rejected = (e: unknown): void => get().notify(`link settings rejected: ${e instanceof Error ? e.message : String(e)}`, 'error');
        try {
          // The store changes only once the network has the setting: the Network panel reads the
          // links back when globalLink changes, and a read before the change lands shows the old one.
          void Promise.resolve(api().setLink(opts)).then(() => {
            const { from, to, ...rest } = opts;
            if (from && to) set((s) => ({ perLink: { ...s.perLink, [linkKey(from, to)]: { ...s.perLink[linkKey(from, to)], ...rest } } }));
            else set((s) => ({ globalLink: { ...s.globalLink, ...rest } }));
          }, rejected);
        } catch (e) {
          rejected(e);
        }
      },
      dropFlight(id) {
        const ok = api().dropMessage(id);
        if (ok) get().narrate(`message ${id} dropped`);
        else get().notify(`message ${id} already arrived`, 'info');
        if (get().selectedFlight?.id === id) set({ selectedFlight: null });
        return ok;
      },

      togglePause() {
        const a = api();
        if (a.time().paused) a.resume();
        else a.pause();
        const t = a.time();
        set({ paused: t.paused, nowMs: t.nowMs, speed: t.speed });
        get().narrate(t.paused ? 'paused' : 'running');
      },
      async step() {
        const a = api();
        if (!a.time().paused) a.pause();
        try {
          await a.step();
        } catch (e) {
          get().notify(`step failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
        const t = a.time();
        set({ paused: t.paused, nowMs: t.nowMs });
      },
      setSpeed(speed) {
        const a = api();
        a.setSpeed(speed);
        set({ speed: a.time().speed });
      },

      async reset(settings) {
        const a = api();
        get().stopWorkload();
        for (const c of aborters.values()) c.abort();
        set({ status: 'resetting' });
        try {
          await a.reset(settings);
          await a.ready();
          set({
            status: 'ready',
            settings: a.settings(),
            members: a.members(),
            islands: [a.members().map((m) => m.name)],
            bands: [],
            markers: [],
            feed: [],
            clients: [],
            selectedFlight: null,
            perLink: {},
            globalLink: {},
          });
          get().narrate(`cluster reset: ${a.settings().members} members, seed ${a.settings().seed}`);
        } catch (e) {
          set({ status: 'ready' });
          get().notify(`reset failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
        }
      },

      async runConsole(line, stdin, opts) {
        const command = line.trim().replace(/^etcdctl\s+/, '');
        if (!command) return;
        if (get().travel.view.mode === 'past') {
          get().notify('the console runs on the present: return to the present, or press "Continue from here" to run commands from this point', 'error');
          return;
        }
        const id = consoleSeq++;
        const entry: ConsoleEntry = { id, command, stdout: '', stderr: '', chunks: [], exitCode: null, running: true, atMs: get().api?.now() ?? 0 };
        set((s) => ({ consoleEntries: [...s.consoleEntries.slice(-199), entry], consoleHistory: pushHistory(s.consoleHistory, line) }));
        const update = (f: (e: ConsoleEntry) => ConsoleEntry): void =>
          set((s) => ({ consoleEntries: s.consoleEntries.map((e) => (e.id === id ? f(e) : e)) }));
        const ctl = new AbortController();
        aborters.set(id, ctl);
        const endpoint = opts?.endpoint ?? get().consoleEndpoint;
        try {
          const res = await api().etcdctl(command, {
            endpoints: endpoint ? [endpoint] : undefined,
            session: true,
            stdin,
            signal: ctl.signal,
            onStream: (chunk) => update((e) => appendChunk(e, chunk)),
          });
          update((e) => finishEntry(e, res));
          // etcdctl writes the snapshot to a file; in the page that file is offered for download.
          const savedPath = res.exitCode === 0 ? snapshotSavePath(command) : undefined;
          const saved = savedPath !== undefined ? api().snapshotFiles?.().find((f) => f.path === savedPath) : undefined;
          if (saved) update((e) => ({ ...e, file: { path: saved.path, blob: saved.blob } }));
          const tip = consoleTip(command, res.stderr, res.exitCode, { endpoint, files: (api().snapshotFiles?.() ?? []).map((f) => f.path) });
          if (tip) update((e) => ({ ...e, tip }));
        } catch (err) {
          const text = `Error: ${err instanceof Error ? err.message : String(err)}\n`;
          update((e) => ({ ...e, stderr: e.stderr + text, chunks: [...e.chunks, { stream: 'stderr', text }], exitCode: 1, running: false }));
        } finally {
          aborters.delete(id);
        }
      },
      stopConsole(id) {
        if (id === undefined) {
          for (const c of aborters.values()) c.abort();
        } else aborters.get(id)?.abort();
      },
      clearConsole() {
        set((s) => ({ consoleEntries: s.consoleEntries.filter((e) => e.running) }));
      },
      setConsoleEndpoint(name) {
        set({ consoleEndpoint: name });
      },

      select(name) {
        set({ selectedMember: name, sideTab: name ? 'inspector' : get().sideTab });
      },
      selectFlight(f) {
        set({ selectedFlight: f });
      },
      selectMarker(id) {
        const m = get().markers.find((x) => x.id === id);
        set({ selectedMarker: id });
        if (m?.member && get().members.some((x) => x.name === m.member)) get().select(m.member);
      },
      setInspectorTab(tab) {
        set({ inspectorTab: tab });
      },
      setSideTab(tab) {
        set({ sideTab: tab });
      },

      startWorkload(opts) {
        const err = validateWorkload(opts);
        if (err) {
          set((s) => ({ workload: { ...s.workload, error: err } }));
          return;
        }
        runner?.stop();
        const a = api();
        const samples: OpSample[] = [];
        runner = new WorkloadRunner(a, opts, (sample) => {
          samples.push(sample);
          if (samples.length > 20_000) samples.splice(0, samples.length - 10_000);
        });
        set({ workload: { running: true, options: opts, samples, startedAtMs: a.now(), error: '' } });
        get().narrate(`workload started: ${opts.ratePerSec} ops/s, ${Math.round(opts.readRatio * 100)}% reads`);
      },
      stopWorkload() {
        if (!runner) return;
        runner.stop();
        runner = null;
        set((s) => ({ workload: { ...s.workload, running: false } }));
        get().narrate('workload stopped');
      },
      tickWorkload(nowMs) {
        runner?.tick(nowMs);
      },

      memberDetails(name) {
        return api().memberDetails(name);
      },
      setProjector(on) {
        set({ projector: on });
      },
      setReducedMotion(on) {
        set({ reducedMotion: on });
      },
    };
  });
}

/** The file argument of `snapshot save <path>` (flags may stand anywhere), or undefined. */
export function snapshotSavePath(command: string): string | undefined {
  // A flag's value ("--endpoints m1:2379") is not dashed, so look for the command words themselves.
  const words = command.trim().split(/\s+/).filter((w) => !w.startsWith('-'));
  const at = words.findIndex((w, i) => w === 'snapshot' && words[i + 1] === 'save');
  const path = at >= 0 ? words[at + 2] : undefined;
  return path?.replace(/^(['"])(.*)\1$/, '$2');
}

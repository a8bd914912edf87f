/**
 * Connects the store to a running PlaygroundApi: trace events are gathered as they come and
 * folded into the store once per animation frame, together with a fresh read of the member
 * summaries, link states and the clock. State is only replaced when it changed, so React
 * re-renders follow the cluster, not the frame rate.
 */
import type { PlaygroundStore } from './store.ts';
import { linkKey } from './store.ts';
import { appendMarkers, extendBands, markersFromEvents, markersFromMembers, observeLeadership } from './timeline.ts';
import { feedFromEntries, feedFromEvents, feedFromMembers, type FeedItem } from './feed.ts';
import type { LinkState, MemberInfo, PlaygroundApi, PlaygroundEvent } from './types.ts';

export interface FrameScheduler {
  request(cb: () => void): number;
  cancel(handle: number): void;
}

const browserFrames: FrameScheduler = {
  request: (cb) => requestAnimationFrame(cb),
  cancel: (h) => cancelAnimationFrame(h),
};

/**
 * What changes the cluster's shape (roles, terms, liveness, membership): drawn at once. Only fields
 * the UI draws, so the change test is a cheap string compare, not a deep comparison.
 */
function structureSignature(ms: readonly MemberInfo[]): string {
  let s = '';
  for (const m of ms) s += `${m.name}|${m.role}|${m.alive}|${m.isLearner}|${m.term}|${m.vote}|${m.lead}|${m.snapshotIndex}|${m.alarms.join(',')}|${m.error ?? ''};`;
  return s;
}

/** What moves on every write and tick (indexes, revision, sizes, election timers, the log strip). */
function progressSignature(ms: readonly MemberInfo[]): string {
  let s = '';
  for (const m of ms) {
    const last = m.recentEntries[m.recentEntries.length - 1];
    s += `${m.commitIndex}|${m.appliedIndex}|${m.revision}|${m.compactRevision}|${m.electionElapsedTicks}|${m.electionTimeoutTicks}|${m.dbSize}|${last ? `${last.index}:${last.term}` : ''}|${m.recentEntries.length};`;
  }
  return s;
}

/**
 * Progress alone (a commit index moving under a workload) is drawn every this many frames, not
 * every frame: it changes on nearly every frame, and each change re-renders the members, the
 * summary and the inspector. A change of structure is drawn in the frame it is seen.
 */
export const PROGRESS_EVERY_FRAMES = 4;

/** The sentences worth announcing from the timeline markers (elections are too chatty). */
/** Operations the history lane keeps for drawing (the check covers the whole history). */
const HISTORY_KEPT = 400;

const narrated = new Set(['leader', 'crash', 'restart', 'member', 'partition', 'heal', 'invariant']);

export function connectStore(store: PlaygroundStore, api: PlaygroundApi, frames: FrameScheduler = browserFrames): () => void {
  if (frames === browserFrames && typeof requestAnimationFrame !== 'function') throw new Error('connectStore: no animation frames here; pass a FrameScheduler');
  let pending: PlaygroundEvent[] = [];
  let handle = 0;
  let stopped = false;
  let lastStructure = '';
  let lastProgress = '';
  let framesSinceMembers = 0;
  let framesSinceInvariants = 0;
  let framesSinceHistory = 15;
  let lastHistorySig = '';
  let lastLinkSig = '';
  let lastBandWallMs = 0;
  let feedMaxIndex = 0;
  let lastMode = 'live';
  const unsubscribe = api.subscribe((events) => {
    pending.push(...events);
    // Bound the backlog while the tab is hidden and frames do not run.
    if (pending.length > 50_000) pending = pending.slice(pending.length - 20_000);
  });

  store.getState().attach(api);
  if (store.getState().islands.length === 0) store.setState({ islands: [api.members().map((m) => m.name)] });

  const frame = (): void => {
    if (stopped) return;
    try {
      fold();
    } catch (e) {
      // A failed read (e.g. during reset) must not stop the loop.
      if (!(e instanceof Error && /not running|reset/.test(e.message))) console.error(e);
    }
    handle = frames.request(frame);
  };

  const fold = (): void => {
    const s = store.getState();
    const t = api.time();
    const patch: Record<string, unknown> = {};
    if (t.nowMs !== s.nowMs) patch.nowMs = t.nowMs;
    if (t.paused !== s.paused) patch.paused = t.paused;
    if (t.speed !== s.speed) patch.speed = t.speed;

    const read = api.members();
    const structure = structureSignature(read);
    const progress = progressSignature(read);
    framesSinceMembers++;
    // While the past is shown, the members are the past's, and the timeline is the whole run's:
    // it is not extended from them, nor from the jump back to the present.
    const mode = s.travel.view.mode;
    const history = mode === 'live' && lastMode === 'live';
    const switched = mode !== lastMode;
    lastMode = mode;
    const changed = switched || structure !== lastStructure || (progress !== lastProgress && framesSinceMembers >= PROGRESS_EVERY_FRAMES);
    // Between drawn changes the UI keeps the member data it drew (the same array: no re-render).
    const members = changed ? read : s.members;
    let markers = s.markers;
    let feed: FeedItem[] = s.feed;
    if (changed) {
      lastStructure = structure;
      lastProgress = progress;
      framesSinceMembers = 0;
      patch.members = members;
      if (history) markers = appendMarkers(markers, markersFromMembers(s.members, members, t.nowMs));
      const snapshots = history ? feedFromMembers(s.members, members, t.nowMs) : [];
      if (snapshots.length) feed = [...feed, ...snapshots];
      const leader = members.find((m) => m.role === 'leader' && m.alive);
      if (leader && history) {
        const r = feedFromEntries(leader.recentEntries, leader.commitIndex, feedMaxIndex, leader.name, t.nowMs);
        feedMaxIndex = r.maxIndex;
        if (r.items.length) feed = [...feed, ...r.items];
      }
      const names = new Set(members.map((m) => m.name));
      // Islands follow membership: new members join the last island, removed ones leave.
      const known = new Set(s.islands.flat());
      const islands = s.islands.map((g) => g.filter((n) => names.has(n))).filter((g) => g.length);
      const fresh = members.map((m) => m.name).filter((n) => !known.has(n));
      if (fresh.length) {
        if (islands.length === 0) islands.push([]);
        islands[islands.length - 1]!.push(...fresh);
      }
      if (fresh.length || islands.flat().length !== known.size) patch.islands = islands;
    }

    const events = pending;
    pending = [];
    if (events.length) {
      markers = appendMarkers(markers, markersFromEvents(events));
      const names = new Set(members.map((m) => m.name));
      const watched = feedFromEvents(events, names);
      if (watched.length) feed = [...feed, ...watched];
      const clients = updateClients(s.clients, events, names);
      if (clients !== s.clients) patch.clients = clients;
      if (events.some((e) => e.kind === 'heal')) patch.islands = [members.map((m) => m.name)];
      const drops = s.hot.drops;
      for (const e of events) {
        if (e.kind === 'drop') drops.push({ envelopeId: e.envelopeId, from: e.actor, to: e.peer, atMs: e.atMs, detail: e.detail });
      }
      if (drops.length > 200) drops.splice(0, drops.length - 200);
    }
    if (markers !== s.markers) {
      patch.markers = markers;
      const fresh = markers.slice(s.markers.length > 0 ? markers.findIndex((m) => m.id > s.markers[s.markers.length - 1]!.id) : 0);
      const say = fresh.filter((m) => narrated.has(m.kind)).map((m) => m.text);
      if (say.length) patch.narration = { id: s.narration.id + 1, text: say.slice(-3).join('. ') };
    }
    if (feed !== s.feed) patch.feed = feed.length > 300 ? feed.slice(feed.length - 300) : feed;

    // Link states for every ordered pair: n(n-1) cheap reads. The signature holds each
    // direction's reachability, so a one-way cut that turns around is seen too.
    let linkSig = '';
    const links: Record<string, LinkState> = {};
    const oneWay: Record<string, true> = {};
    const detailed = typeof api.linkDetail === 'function';
    for (const a of read) {
      for (const b of read) {
        if (a.name === b.name) continue;
        if (detailed) {
          const d = api.linkDetail(a.name, b.name);
          links[linkKey(a.name, b.name)] = d.state;
          if (d.blockedFromTo && !d.blockedToFrom) oneWay[linkKey(a.name, b.name)] = true;
          linkSig += d.blockedFromTo ? '1' : '0';
        } else {
          const st = api.linkState(a.name, b.name);
          links[linkKey(a.name, b.name)] = st;
          linkSig += st[0];
        }
      }
    }
    if (linkSig !== lastLinkSig) {
      lastLinkSig = linkSig;
      patch.links = links;
      // The runtime knows which way each one-way cut goes, whoever made it (a script, the UI).
      if (detailed) patch.oneWay = oneWay;
    }

    // Term bands: a new band at once on change, otherwise stretched a few times a second.
    const { term, leader } = observeLeadership(read);
    const last = s.bands[s.bands.length - 1];
    const wall = performance.now();
    if (history && (!last || last.term !== term || last.leader !== leader || wall - lastBandWallMs > 250)) {
      lastBandWallMs = wall;
      const bands = extendBands(s.bands, t.nowMs, term, leader);
      if (bands !== s.bands) patch.bands = bands;
    }

    // The invariant monitor: at once when a violation appears (or goes, on reset or travel), and
    // its check count a few times a second (it moves every step).
    const inv = api.invariants();
    framesSinceInvariants++;
    if (inv.violation !== s.invariants.violation || (inv.checks !== s.invariants.checks && framesSinceInvariants >= 15)) {
      framesSinceInvariants = 0;
      patch.invariants = inv;
    }

    // The history lane a few times a second (its check has its own pacing and time budget); the
    // store keeps the latest operations only, as the lane draws a window of time.
    framesSinceHistory++;
    if (framesSinceHistory >= 15) {
      framesSinceHistory = 0;
      const lane = api.historyLane(0, { limit: HISTORY_KEPT });
      const c = lane.check;
      const lastOp = lane.operations[lane.operations.length - 1];
      const sig = `${lane.operations.length}:${lane.operations.filter((o) => o.status !== 'pending').length}:${lastOp?.id ?? -1}:${c.result}:${c.checked}`;
      if (sig !== lastHistorySig) {
        lastHistorySig = sig;
        patch.history = lane;
      }
    }

    if (Object.keys(patch).length) store.setState(patch);
    if (mode === 'live') s.tickWorkload(t.nowMs);
  };

  handle = frames.request(frame);

  // Pausing while the tab is hidden is the runtime's (it knows whether it paused itself).
  return () => {
    stopped = true;
    frames.cancel(handle);
    unsubscribe();
  };
}

/** Client actors are whoever sends to or receives from a member without being one. */
export function updateClients(
  clients: readonly { name: string; endpoint: string; lastSeenMs: number }[],
  events: readonly PlaygroundEvent[],
  memberNames: ReadonlySet<string>,
): { name: string; endpoint: string; lastSeenMs: number }[] {
  let out: { name: string; endpoint: string; lastSeenMs: number }[] | null = null;
  for (const e of events) {
    if (e.kind !== 'send' && e.kind !== 'deliver') continue;
    const client = !memberNames.has(e.actor) && memberNames.has(e.peer) ? e.actor : '';
    if (!client) continue;
    const list: { name: string; endpoint: string; lastSeenMs: number }[] = out ?? (out = clients.slice());
    const i = list.findIndex((c) => c.name === client);
    if (i < 0) list.push({ name: client, endpoint: e.peer, lastSeenMs: e.atMs });
    else if (list[i]!.endpoint !== e.peer || e.atMs - list[i]!.lastSeenMs > 500) list[i] = { name: client, endpoint: e.peer, lastSeenMs: e.atMs };
  }
  return out ?? (clients as { name: string; endpoint: string; lastSeenMs: number }[]);
}

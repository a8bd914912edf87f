import type { Config, ConfState, Entry, HardState, Message, MessageType, NodeId, ReadState, Ready, UnsafeRaftRules } from './types.ts';
import { NONE } from './types.ts';
import { RawNode } from './rawNode.ts';
import { MemoryStorage } from './memoryStorage.ts';
import { RaftError } from './errors.ts';
import { decodeConfChange } from './confChange.ts';

/** A small seeded PRNG (mulberry32) so test clusters are reproducible without Math.random. */
export function seededRandInt(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(r * n);
  };
}

/**
 * Storage holding a log whose entry i+1 has term terms[i] (data `e<index>@<term>`), for scenarios
 * that start from the logs in the Raft paper's figures. The HardState term defaults to the last term.
 */
export function storageWithLog(confState: ConfState, terms: number[], hardState: Partial<HardState> = {}): MemoryStorage {
  const s = new MemoryStorage(confState);
  s.append(terms.map((t, i) => ({ term: t, index: i + 1, type: 'EntryNormal' as const, data: `e${i + 1}@${t}` })));
  s.setHardState({
    term: hardState.term ?? (terms.length > 0 ? terms[terms.length - 1]! : 0),
    vote: hardState.vote ?? NONE,
    commit: hardState.commit ?? 0,
  });
  return s;
}

export interface NetworkOptions {
  electionTick?: number;
  heartbeatTick?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  readOnlyOption?: Config['readOnlyOption'];
  maxInflightMsgs?: number;
  maxSizePerMsg?: number;
  disableProposalForwarding?: boolean;
  /** Seeds every member's PRNG and the network's drop decisions. */
  seed?: number;
  /** Members that start as learners (the rest of `ids` are voters). */
  learners?: NodeId[];
  /**
   * Start the way etcd starts a new cluster: empty storage and RawNode.bootstrap(ids), so the
   * membership is in conf-change entries 1..n (a member added later learns it by replaying them).
   * Otherwise every member's storage holds the ConfState in an index-0 snapshot.
   */
  bootstrap?: boolean;
  /** Record every delivered message in `delivered` (off for benchmarks). */
  record?: boolean;
  /** Collect log lines from every member. */
  logger?: (line: string) => void;
  /** Safety rules switched off on every member (experiments). */
  unsafe?: UnsafeRaftRules;
}

/** One member as the network hosts it: its RawNode, its "disk", and what it applied. */
export interface TestMember {
  id: NodeId;
  node: RawNode;
  storage: MemoryStorage;
  config: Config;
  /** Committed entries applied so far, in order (the test's state machine). */
  applied: Entry[];
  appliedIndex: number;
  readStates: ReadState[];
  /** Errors thrown by step() for delivered messages (dropped proposals etc.). */
  stepErrors: RaftError[];
}

/**
 * A deterministic in-memory cluster for scenario tests (like etcd's raft test `network`): messages
 * are delivered synchronously, breadth-first, until the network is quiet. Each member's Ready is
 * handled the way a server must: persist snapshot, entries and HardState to its MemoryStorage,
 * then queue its messages, then apply committed entries (conf changes included), then advance.
 */
export class Network {
  readonly members = new Map<NodeId, TestMember>();
  /** Every delivered message, when `record` is on. */
  readonly delivered: Message[] = [];
  deliveredCount = 0;
  droppedCount = 0;
  /** Report each MsgSnap's fate to its sender (delivered: finish, lost: failure), as a transport would. */
  reportSnapshots = true;
  private readonly opts: NetworkOptions;
  /** Drop probability per directed link "from→to". */
  private readonly dropm = new Map<string, number>();
  private readonly ignorem = new Set<MessageType>();
  private readonly down = new Set<NodeId>();
  private readonly rand: (n: number) => number;
  private queue: Message[] = [];
  /**
   * Optional filter run on every message before delivery: return it (or a replacement, e.g. a
   * MsgApp carrying a prefix of its entries) to deliver, or undefined to drop it.
   */
  msgHook: ((m: Message) => Message | undefined) | undefined;

  constructor(ids: NodeId[], opts: NetworkOptions = {}) {
    this.opts = opts;
    this.rand = seededRandInt((opts.seed ?? 1) * 7919);
    const learners = opts.learners ?? [];
    const voters = ids.filter((id) => !learners.includes(id));
    if (opts.bootstrap) {
      if (learners.length > 0) throw new Error('bootstrap starts voters only; add learners by conf change');
      for (const id of ids) {
        this.add(id, new MemoryStorage()).node.bootstrap(ids);
        this.process(id);
      }
    } else {
      for (const id of ids) this.add(id, new MemoryStorage({ voters, learners }));
    }
  }

  /** Adds (or replaces) a member on the given storage; used for custom logs and new members. */
  add(id: NodeId, storage: MemoryStorage, overrides: Partial<Config> = {}): TestMember {
    const o = this.opts;
    const seed = (o.seed ?? 1) * 1000003 + parseInt(id, 16);
    const config: Config = {
      id,
      electionTick: o.electionTick ?? 10,
      heartbeatTick: o.heartbeatTick ?? 1,
      storage,
      preVote: o.preVote ?? false,
      checkQuorum: o.checkQuorum ?? false,
      readOnlyOption: o.readOnlyOption ?? 'ReadOnlySafe',
      maxInflightMsgs: o.maxInflightMsgs ?? 256,
      maxSizePerMsg: o.maxSizePerMsg ?? 1024 * 1024,
      disableProposalForwarding: o.disableProposalForwarding ?? false,
      randInt: seededRandInt(seed),
      logger: o.logger,
      ...(o.unsafe ? { unsafe: o.unsafe } : {}),
      ...overrides,
    };
    const member: TestMember = {
      id,
      node: new RawNode(config),
      storage,
      config,
      applied: [],
      appliedIndex: config.applied ?? 0,
      readStates: [],
      stepErrors: [],
    };
    this.members.set(id, member);
    return member;
  }

  member(id: NodeId): TestMember {
    const m = this.members.get(id);
    if (!m) throw new Error(`no member ${id}`);
    return m;
  }

  node(id: NodeId): RawNode {
    return this.member(id).node;
  }

  /** Stops a member: it keeps its storage but receives nothing until restart(). */
  crash(id: NodeId): void {
    this.down.add(id);
  }

  /** Restarts a crashed member from its storage, as a process restart would. */
  restart(id: NodeId): TestMember {
    const old = this.member(id);
    this.down.delete(id);
    const m = this.add(id, old.storage, { applied: old.appliedIndex });
    m.applied = old.applied;
    m.appliedIndex = old.appliedIndex;
    return m;
  }

  // ---- faults ----

  /** Drops a fraction (0..1) of messages from → to. */
  drop(from: NodeId, to: NodeId, fraction = 1): void {
    this.dropm.set(`${from}→${to}`, fraction);
  }

  cut(a: NodeId, b: NodeId): void {
    this.drop(a, b);
    this.drop(b, a);
  }

  isolate(id: NodeId): void {
    for (const other of this.members.keys()) if (other !== id) this.cut(id, other);
  }

  ignore(t: MessageType): void {
    this.ignorem.add(t);
  }

  recover(): void {
    this.dropm.clear();
    this.ignorem.clear();
  }

  // ---- driving ----

  /** Handles every pending Ready of id and queues its messages; returns the Readies handled. */
  process(id: NodeId): Ready[] {
    const m = this.member(id);
    const handled: Ready[] = [];
    while (m.node.hasReady()) {
      const rd = m.node.ready();
      handled.push(rd);
      // 1. persist (before anything is sent)
      if (rd.snapshot) {
        m.storage.applySnapshot(rd.snapshot);
        m.appliedIndex = rd.snapshot.metadata.index;
      }
      if (rd.entries.length > 0) m.storage.append(rd.entries);
      if (rd.hardState) m.storage.setHardState(rd.hardState);
      // 2. send
      for (const msg of rd.messages) this.queue.push(msg);
      // 3. apply
      for (const e of rd.committedEntries) {
        if (e.type === 'EntryConfChange') m.node.applyConfChange(decodeConfChange(e.data));
        m.applied.push(e);
        m.appliedIndex = e.index;
      }
      for (const rs of rd.readStates) m.readStates.push(rs);
      // 4. advance
      m.node.advance(rd);
    }
    return handled;
  }

  /** Delivers queued messages (and any they cause) until the network is quiet. */
  flush(): void {
    let q = this.queue;
    let head = 0;
    while (head < q.length) {
      const msg = q[head++]!;
      if (head > 4096 && head * 2 > q.length) {
        q = q.slice(head);
        head = 0;
        this.queue = q;
      }
      this.deliver(msg);
      q = this.queue;
    }
    this.queue = [];
  }

  private deliver(original: Message): void {
    const msg = this.pass(original);
    if (!msg) {
      this.droppedCount++;
      if (original.type === 'MsgSnap') this.reportSnapshot(original.from, original.to, 'failure');
      return;
    }
    const target = this.members.get(msg.to)!;
    this.deliveredCount++;
    if (this.opts.record) this.delivered.push(msg);
    try {
      target.node.step(msg);
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      target.stepErrors.push(e);
    }
    this.process(msg.to);
    if (msg.type === 'MsgSnap') this.reportSnapshot(msg.from, msg.to, 'finish');
  }

  private reportSnapshot(from: NodeId, to: NodeId, status: 'finish' | 'failure'): void {
    const sender = this.members.get(from);
    if (!this.reportSnapshots || !sender || this.down.has(from)) return;
    sender.node.reportSnapshot(to, status);
    this.process(from);
  }

  /** The message to deliver, or undefined when the network loses it. */
  private pass(msg: Message): Message | undefined {
    if (!this.members.has(msg.to) || this.down.has(msg.to)) return undefined;
    if (this.ignorem.has(msg.type)) return undefined;
    if (this.dropm.size > 0) {
      const p = this.dropm.get(`${msg.from}→${msg.to}`);
      if (p !== undefined && p > 0 && (p >= 1 || this.rand(1_000_000) < p * 1_000_000)) return undefined;
    }
    return this.msgHook ? this.msgHook(msg) : msg;
  }

  /** Steps messages into the network (as if they arrived from elsewhere) and delivers everything. */
  send(...msgs: Message[]): void {
    for (const m of msgs) this.queue.push(m);
    this.flush();
  }

  /** Runs f on a member, then handles its Ready and delivers until quiet. */
  act(id: NodeId, f: (node: RawNode) => void): void {
    if (this.down.has(id)) throw new Error(`member ${id} is down`);
    f(this.node(id));
    this.process(id);
    this.flush();
  }

  campaign(id: NodeId): void {
    this.act(id, (n) => n.campaign());
  }

  /** Proposes on id; returns the error if the proposal was refused. */
  propose(id: NodeId, data: string): RaftError | undefined {
    let err: RaftError | undefined;
    this.act(id, (n) => {
      try {
        n.propose(data);
      } catch (e) {
        if (!(e instanceof RaftError)) throw e;
        err = e;
      }
    });
    return err;
  }

  /** Ticks one member n times, delivering after each tick. */
  tick(id: NodeId, n = 1): void {
    for (let i = 0; i < n; i++) this.act(id, (node) => node.tick());
  }

  /** Ticks every running member once per round (in ID order), delivering after each round. */
  tickAll(rounds = 1): void {
    for (let i = 0; i < rounds; i++) {
      for (const [id, m] of this.members) {
        if (this.down.has(id)) continue;
        m.node.tick();
        this.process(id);
      }
      this.flush();
    }
  }

  /** Ticks everyone until a leader exists (at most maxRounds); returns its ID. */
  tickUntilLeader(maxRounds = 1000): NodeId {
    for (let i = 0; i < maxRounds; i++) {
      const l = this.leader();
      if (l) return l;
      this.tickAll();
    }
    throw new Error(`no leader after ${maxRounds} rounds`);
  }

  /** The running member that is leader in the highest term, if any. */
  leader(): NodeId | undefined {
    let best: NodeId | undefined;
    let bestTerm = -1;
    for (const [id, m] of this.members) {
      if (this.down.has(id)) continue;
      const r = m.node.raft;
      if (r.state === 'StateLeader' && r.term > bestTerm) {
        best = id;
        bestTerm = r.term;
      }
    }
    return best;
  }

  /** The terms of id's persisted log, from its first index (what the paper's figures draw). */
  logTerms(id: NodeId): number[] {
    const st = this.member(id).storage;
    const out: number[] = [];
    for (let i = st.firstIndex(); i <= st.lastIndex(); i++) out.push(st.term(i));
    return out;
  }

  /** Data of the normal, non-empty entries id has applied. */
  appliedData(id: NodeId): string[] {
    return this.member(id).applied.filter((e) => e.type === 'EntryNormal' && e.data !== '').map((e) => e.data);
  }
}

/**
 * etcd's bolt backend over an Engine: one store per bucket (key, meta, lease, members,
 * members_removed, alarm). The key bucket is keyed by the revision as an array [main, sub]:
 * IndexedDB orders arrays element by element, which is the order of etcd's 17-byte revision keys.
 *
 * Sizes: etcd's dbSize is the file size, which grows with data and does not shrink when data is
 * deleted (freed pages are reused) until a defrag rewrites the file. This backend keeps the same
 * accounting from the stored records' encoded lengths: dbSizeInUse is the live bytes, dbSize the
 * high-water mark, persisted in the 'stats' store, reset to dbSizeInUse by defragment(). The
 * browser manages IndexedDB's own files; these figures are what etcd's status would report.
 */
import CRC32 from 'crc-32';
import { BTree } from './sortedTree.ts';
import type { NodeId } from '../raft/types.ts';
import type { LeaseId } from '../mvcc/types.ts';
import type { Engine, EngineKey, EngineOp } from './engine.ts';
import {
  BackendSnapshotError,
  type AlarmRecord,
  type AlarmType,
  type Backend,
  type BackendBatch,
  type BackendSize,
  type JsonValue,
  type KeyBucketRecord,
  type KeyBucketValue,
  type LeaseRecord,
  type MemberRecord,
  type Revision,
} from './types.ts';

export const BUCKETS = ['key', 'meta', 'lease', 'members', 'members_removed', 'alarm'] as const;
type Bucket = (typeof BUCKETS)[number];
const STATS = 'stats';
const BLOB_MAGIC = 'etcd-playground-backend v1';
const ALARMS: readonly AlarmType[] = ['NOSPACE', 'CORRUPT'];

function compareRevisions(a: Revision, b: Revision): number {
  return a[0] - b[0] || a[1] - b[1];
}

function recordSize(key: EngineKey, value: unknown): number {
  return JSON.stringify(key).length + JSON.stringify(value).length;
}

export class BucketBackend implements Backend {
  private readonly keySizes = new BTree<Revision, number>(undefined, compareRevisions);
  private readonly otherSizes = new Map<string, number>();
  private inUse = 0;
  private dbSize = 0;
  /** Commits run one after another so that size accounting follows the order they land in. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly engine: Engine) {}

  /** Opens the backend, reading every bucket once to know its sizes. */
  static async open(engine: Engine): Promise<BucketBackend> {
    const b = new BucketBackend(engine);
    for (const bucket of BUCKETS) {
      for (const row of await engine.read(bucket)) b.setSize(bucket, row.key, recordSize(row.key, row.value));
    }
    const stored = (await engine.get(STATS, 'dbSize')) as number | undefined;
    b.dbSize = Math.max(stored ?? 0, b.inUse);
    return b;
  }

  batch(): BackendBatch {
    return new Batch(this, (ops, alongside) => this.commitOps(ops, alongside));
  }

  private sizeOf(bucket: string, key: EngineKey): number | undefined {
    return bucket === 'key' ? this.keySizes.get(key as Revision) : this.otherSizes.get(`${bucket}\u0000${JSON.stringify(key)}`);
  }

  private setSize(bucket: string, key: EngineKey, size: number | undefined): void {
    const old = this.sizeOf(bucket, key) ?? 0;
    if (bucket === 'key') {
      const rev: Revision = [(key as number[])[0]!, (key as number[])[1]!];
      if (size === undefined) this.keySizes.delete(rev);
      else this.keySizes.set(rev, size);
    } else {
      const k = `${bucket}\u0000${JSON.stringify(key)}`;
      if (size === undefined) this.otherSizes.delete(k);
      else this.otherSizes.set(k, size);
    }
    this.inUse += (size ?? 0) - old;
  }

  /** Applies the ops to the size accounting, returning how to take that back if the write fails. */
  private account(ops: readonly EngineOp[]): Array<[string, EngineKey, number | undefined]> {
    const undo: Array<[string, EngineKey, number | undefined]> = [];
    const set = (bucket: string, key: EngineKey, size: number | undefined) => {
      undo.push([bucket, key, this.sizeOf(bucket, key)]);
      this.setSize(bucket, key, size);
    };
    for (const op of ops) {
      if (op.op === 'put') set(op.store, op.key, recordSize(op.key, op.value));
      else if (op.op === 'delete') set(op.store, op.key, undefined);
      else if (op.op === 'deleteRange') {
        const doomed = this.keySizes.getRange(op.lower as Revision, op.upper as Revision, false).map(([k]) => k);
        for (const k of doomed) set('key', k, undefined);
      } else {
        const prefix = `${op.store}\u0000`;
        for (const k of [...this.otherSizes.keys()]) if (k.startsWith(prefix)) set(op.store, JSON.parse(k.slice(prefix.length)), undefined);
        if (op.store === 'key') for (const [k] of [...this.keySizes.entries()]) set('key', k, undefined);
      }
    }
    return undo;
  }

  /**
   * Commits a batch of this backend together with `alongside`, other stores' ops of the same
   * database (a WAL record), in one transaction written first. Only the batch's ops count
   * towards the backend's size.
   */
  commitWith(batch: BackendBatch, alongside: readonly EngineOp[]): Promise<void> {
    if (!(batch instanceof Batch) || batch.owner !== this) return Promise.reject(new Error('backend: commitWith takes a batch of this backend'));
    return batch.commitAlongside(alongside);
  }

  private commitOps(ops: EngineOp[], alongside: readonly EngineOp[] = []): Promise<void> {
    const run = this.tail.then(async () => {
      if (ops.length === 0 && alongside.length === 0) return;
      const undo = this.account(ops);
      const newDbSize = Math.max(this.dbSize, this.inUse);
      const own = newDbSize !== this.dbSize ? [...ops, { op: 'put', store: STATS, key: 'dbSize', value: newDbSize } as EngineOp] : ops;
      const all = alongside.length > 0 ? [...alongside, ...own] : own;
      try {
        await this.engine.write(all);
      } catch (err) {
        for (let i = undo.length - 1; i >= 0; i--) this.setSize(...undo[i]!);
        throw err;
      }
      this.dbSize = newDbSize;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async readRevisions(range?: { from?: Revision; to?: Revision; limit?: number }): Promise<KeyBucketRecord[]> {
    if (range?.from) validateRevision(range.from);
    if (range?.to) validateRevision(range.to);
    const r: { lower?: EngineKey; upper?: EngineKey } = {};
    if (range?.from) r.lower = range.from;
    if (range?.to) r.upper = range.to;
    const rows = await this.engine.read('key', r, range?.limit);
    return rows.map((row) => {
      const k = row.key as number[];
      return { rev: [k[0]!, k[1]!] as const, value: row.value as KeyBucketValue };
    });
  }

  async getMeta(key: string): Promise<JsonValue | undefined> {
    return (await this.engine.get('meta', key)) as JsonValue | undefined;
  }

  async allMeta(): Promise<Record<string, JsonValue>> {
    const out: Record<string, JsonValue> = {};
    for (const row of await this.engine.read('meta')) out[row.key as string] = row.value as JsonValue;
    return out;
  }

  async listLeases(): Promise<LeaseRecord[]> {
    return (await this.engine.read('lease')).map((r) => r.value as LeaseRecord);
  }

  async listMembers(): Promise<MemberRecord[]> {
    return (await this.engine.read('members')).map((r) => r.value as MemberRecord);
  }

  async listRemovedMembers(): Promise<NodeId[]> {
    return (await this.engine.read('members_removed')).map((r) => r.key as string);
  }

  async listAlarms(): Promise<AlarmRecord[]> {
    return (await this.engine.read('alarm')).map((r) => r.value as AlarmRecord);
  }

  size(): BackendSize {
    return { dbSize: this.dbSize, dbSizeInUse: this.inUse };
  }

  defragment(): Promise<void> {
    const run = this.tail.then(async () => {
      await this.engine.write([{ op: 'put', store: STATS, key: 'dbSize', value: this.inUse }]);
      this.dbSize = this.inUse;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  async exportSnapshot(): Promise<string> {
    const body: Record<string, Array<[EngineKey, unknown]>> = {};
    for (const bucket of BUCKETS) body[bucket] = (await this.engine.read(bucket)).map((r) => [r.key, r.value]);
    const text = JSON.stringify(body);
    return `${BLOB_MAGIC} crc=${(CRC32.str(text) >>> 0).toString(16)}\n${text}`;
  }

  async importSnapshot(blob: string): Promise<void> {
    const body = parseBlob(blob);
    const ops: EngineOp[] = [];
    for (const bucket of BUCKETS) {
      ops.push({ op: 'clear', store: bucket });
      for (const [key, value] of body[bucket]) ops.push({ op: 'put', store: bucket, key, value });
    }
    // A restored backend is written afresh, so it starts compact: dbSize == dbSizeInUse.
    const run = this.tail.then(async () => {
      const undo = this.account(ops);
      try {
        await this.engine.write([...ops, { op: 'put', store: STATS, key: 'dbSize', value: this.inUse }]);
      } catch (err) {
        for (let i = undo.length - 1; i >= 0; i--) this.setSize(...undo[i]!);
        throw err;
      }
      this.dbSize = this.inUse;
    });
    this.tail = run.catch(() => undefined);
    await run;
  }

  async hashKeys(): Promise<number> {
    let crc = 0;
    for (const row of await this.engine.read('key')) crc = CRC32.str(JSON.stringify([row.key, row.value]), crc);
    return crc >>> 0;
  }
}

function parseBlob(blob: string): Record<Bucket, Array<[EngineKey, unknown]>> {
  if (typeof blob !== 'string') throw new BackendSnapshotError('backend snapshot: not a string');
  const nl = blob.indexOf('\n');
  const header = nl < 0 ? blob : blob.slice(0, nl);
  const m = /^etcd-playground-backend v1 crc=([0-9a-f]{1,8})$/.exec(header);
  if (!m) throw new BackendSnapshotError('backend snapshot: unrecognized format (expected an etcd-playground backend snapshot)');
  const text = blob.slice(nl + 1);
  const computed = CRC32.str(text) >>> 0;
  if (computed !== parseInt(m[1]!, 16)) {
    throw new BackendSnapshotError(`backend snapshot: checksum mismatch (stored ${m[1]}, computed ${computed.toString(16)})`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BackendSnapshotError('backend snapshot: body is not valid JSON');
  }
  if (!body || typeof body !== 'object') throw new BackendSnapshotError('backend snapshot: body is not an object');
  const out = {} as Record<Bucket, Array<[EngineKey, unknown]>>;
  for (const bucket of BUCKETS) {
    const rows = (body as Record<string, unknown>)[bucket];
    if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r) && r.length === 2)) {
      throw new BackendSnapshotError(`backend snapshot: bucket ${bucket} is missing or malformed`);
    }
    if (bucket === 'key') for (const [k] of rows) validateRevision(k as Revision);
    out[bucket] = rows as Array<[EngineKey, unknown]>;
  }
  return out;
}

function validateRevision(rev: Revision): void {
  if (!Array.isArray(rev) || rev.length !== 2 || !rev.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new RangeError(`backend: a revision is [main, sub] with non-negative integers, got ${JSON.stringify(rev)}`);
  }
}

function nonEmpty(what: string, s: string): void {
  if (typeof s !== 'string' || s === '') throw new TypeError(`backend: ${what} must be a non-empty string`);
}

/** Collects writes; validation happens when an op is added, so a bad op never reaches a commit. */
class Batch implements BackendBatch {
  private ops: EngineOp[] = [];
  private spent = false;

  constructor(
    readonly owner: BucketBackend,
    private readonly commitOps: (ops: EngineOp[], alongside?: readonly EngineOp[]) => Promise<void>,
  ) {}

  private add(op: EngineOp): void {
    if (this.spent) throw new Error('backend: this batch was already committed or discarded');
    this.ops.push(op);
  }

  get pendingOps(): number {
    return this.ops.length;
  }

  putRevision(rev: Revision, value: KeyBucketValue): void {
    validateRevision(rev);
    if (!value || typeof value !== 'object' || !value.kv || typeof value.tombstone !== 'boolean') {
      throw new TypeError('backend: a key bucket value is { kv, tombstone }');
    }
    this.add({ op: 'put', store: 'key', key: [rev[0], rev[1]], value: structuredClone(value) });
  }

  deleteRevision(rev: Revision): void {
    validateRevision(rev);
    this.add({ op: 'delete', store: 'key', key: [rev[0], rev[1]] });
  }

  deleteRevisionRange(from: Revision, to: Revision): void {
    validateRevision(from);
    validateRevision(to);
    if (compareRevisions(from, to) > 0) throw new RangeError(`backend: revision range [${from}] .. [${to}] is reversed`);
    this.add({ op: 'deleteRange', store: 'key', lower: [from[0], from[1]], upper: [to[0], to[1]] });
  }

  putMeta(key: string, value: JsonValue): void {
    nonEmpty('meta key', key);
    if (value === undefined) throw new TypeError(`backend: meta ${key} needs a value (use deleteMeta to remove it)`);
    this.add({ op: 'put', store: 'meta', key, value: structuredClone(value) });
  }

  deleteMeta(key: string): void {
    nonEmpty('meta key', key);
    this.add({ op: 'delete', store: 'meta', key });
  }

  putLease(lease: LeaseRecord): void {
    nonEmpty('lease ID', lease?.ID);
    if (lease.ID === '0') throw new RangeError('backend: lease ID 0 means no lease and cannot be stored');
    this.add({ op: 'put', store: 'lease', key: lease.ID, value: { ID: lease.ID, TTL: lease.TTL, RemainingTTL: lease.RemainingTTL } });
  }

  deleteLease(id: LeaseId): void {
    nonEmpty('lease ID', id);
    this.add({ op: 'delete', store: 'lease', key: id });
  }

  putMember(member: MemberRecord): void {
    nonEmpty('member ID', member?.ID);
    this.add({ op: 'put', store: 'members', key: member.ID, value: structuredClone(member) });
  }

  deleteMember(id: NodeId): void {
    nonEmpty('member ID', id);
    this.add({ op: 'delete', store: 'members', key: id });
  }

  putRemovedMember(id: NodeId): void {
    nonEmpty('member ID', id);
    this.add({ op: 'put', store: 'members_removed', key: id, value: true });
  }

  putAlarm(alarm: AlarmRecord): void {
    validateAlarm(alarm);
    this.add({ op: 'put', store: 'alarm', key: [alarm.memberID, alarm.alarm], value: { memberID: alarm.memberID, alarm: alarm.alarm } });
  }

  deleteAlarm(alarm: AlarmRecord): void {
    validateAlarm(alarm);
    this.add({ op: 'delete', store: 'alarm', key: [alarm.memberID, alarm.alarm] });
  }

  commit(): Promise<void> {
    if (this.spent) return Promise.reject(new Error('backend: this batch was already committed or discarded'));
    this.spent = true;
    return this.commitOps(this.ops);
  }

  /** commit(), with other stores' ops written first in the same transaction (BucketBackend.commitWith). */
  commitAlongside(alongside: readonly EngineOp[]): Promise<void> {
    if (this.spent) return Promise.reject(new Error('backend: this batch was already committed or discarded'));
    this.spent = true;
    return this.commitOps(this.ops, alongside);
  }

  discard(): void {
    this.spent = true;
    this.ops = [];
  }
}

function validateAlarm(alarm: AlarmRecord): void {
  nonEmpty('alarm member ID', alarm?.memberID);
  if (!ALARMS.includes(alarm.alarm)) throw new RangeError(`backend: unknown alarm type ${String(alarm.alarm)}`);
}

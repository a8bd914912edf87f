/**
 * The write-ahead log over an Engine: store 'wal', one record per Ready keyed by its sequence
 * number. A record is `{ seq, crc, data }` where `data` is the JSON of its entries, HardState and
 * snapshot marker and `crc` is CRC-32 over `seq:data`, so a record that is altered or moved to
 * another sequence number is caught at replay.
 */
import CRC32 from 'crc-32';
import type { Entry, HardState } from '../raft/types.ts';
import type { Engine, EngineOp } from './engine.ts';
import {
  WalCorruptionError,
  WalSnapshotNotFoundError,
  type Wal,
  type WalReadResult,
  type WalRecordInfo,
  type WalSave,
  type WalSnapshotMarker,
} from './types.ts';

const STORE = 'wal';

export interface StoredWalRecord {
  seq: number;
  crc: number;
  data: string;
}

interface RecordBody {
  entries: Entry[];
  hardState?: HardState;
  snapshot?: WalSnapshotMarker;
}

/** What the log remembers of each record to decide releases without reading it back. */
interface RecordSummary {
  seq: number;
  /** Highest entry index in the record, 0 when it has none. */
  lastIndex: number;
  marker?: WalSnapshotMarker;
}

export function walCrc(seq: number, data: string): number {
  return CRC32.str(`${seq}:${data}`) >>> 0;
}

const ZERO_HARD_STATE: HardState = { term: 0, vote: '0', commit: 0 };

/** A prepared append: the ops to write, and what to remember once they have committed. */
export interface PreparedWalRecord {
  ops: EngineOp[];
  seq: number;
  entryCount: number;
  committed(): void;
}

export class WalLog implements Wal {
  private loaded: Promise<void> | undefined;
  private summaries: RecordSummary[] = [];
  private lastSeq = 0;
  private lastHardState: HardState | undefined;
  recordsWritten = 0;
  entriesWritten = 0;

  constructor(private readonly engine: Engine) {}

  /**
   * Reads what the log must know before appending: the last sequence number, the latest HardState
   * and where the snapshot markers are. A corrupt record is skipped here; replay reports it.
   */
  private ensureLoaded(): Promise<void> {
    this.loaded ??= (async () => {
      const rows = await this.engine.read(STORE);
      for (const row of rows) {
        const rec = row.value as StoredWalRecord;
        this.lastSeq = Math.max(this.lastSeq, rec.seq);
        let body: RecordBody;
        try {
          if (walCrc(rec.seq, rec.data) !== rec.crc) continue;
          body = JSON.parse(rec.data) as RecordBody;
        } catch {
          continue;
        }
        this.summaries.push(summarize(rec.seq, body));
        if (body.hardState) this.lastHardState = body.hardState;
      }
    })();
    return this.loaded;
  }

  /** Builds one record for `save` without writing it, so a Ready can share one transaction. */
  async prepare(save: WalSave): Promise<PreparedWalRecord | undefined> {
    validateSave(save);
    await this.ensureLoaded();
    if (save.entries.length === 0 && !save.hardState && !save.snapshot) return undefined;
    const body: RecordBody = { entries: save.entries };
    // A marker record carries the latest HardState, so releasing everything before it keeps it.
    const hardState = save.hardState ?? (save.snapshot ? this.lastHardState : undefined);
    if (hardState) body.hardState = hardState;
    if (save.snapshot) body.snapshot = save.snapshot;
    // The sequence number is taken now so that overlapping saves never share one.
    const seq = ++this.lastSeq;
    const data = JSON.stringify(body);
    const stored: StoredWalRecord = { seq, crc: walCrc(seq, data), data };
    return {
      ops: [{ op: 'put', store: STORE, key: seq, value: stored }],
      seq,
      entryCount: save.entries.length,
      committed: () => {
        this.summaries.push(summarize(seq, body));
        if (body.hardState) this.lastHardState = body.hardState;
        this.recordsWritten++;
        this.entriesWritten += save.entries.length;
      },
    };
  }

  async save(save: WalSave): Promise<number> {
    const prepared = await this.prepare(save);
    if (!prepared) return this.lastSeq;
    await this.engine.write(prepared.ops);
    prepared.committed();
    return prepared.seq;
  }

  async records(): Promise<WalRecordInfo[]> {
    const rows = await this.engine.read(STORE);
    return rows.map((row) => {
      const rec = row.value as StoredWalRecord;
      const body = decode(rec);
      const info: WalRecordInfo = { seq: rec.seq, crc: rec.crc, entries: body.entries };
      if (body.hardState) info.hardState = body.hardState;
      if (body.snapshot) info.snapshot = body.snapshot;
      return info;
    });
  }

  async snapshotMarkers(): Promise<WalSnapshotMarker[]> {
    return (await this.records()).flatMap((r) => (r.snapshot ? [r.snapshot] : []));
  }

  async readAll(afterSnapshot?: WalSnapshotMarker): Promise<WalReadResult> {
    const records = await this.records();
    let start: WalSnapshotMarker | undefined;
    if (afterSnapshot && afterSnapshot.index > 0) {
      const found = records.find(
        (r) => r.snapshot && r.snapshot.index === afterSnapshot.index && r.snapshot.term === afterSnapshot.term,
      );
      if (!found) throw new WalSnapshotNotFoundError(afterSnapshot);
      start = found.snapshot;
    } else if (afterSnapshot) {
      start = undefined;
    } else {
      for (const r of records) if (r.snapshot) start = r.snapshot;
    }
    const startIndex = start?.index ?? 0;
    let hardState = ZERO_HARD_STATE;
    let entries: Entry[] = [];
    for (const r of records) {
      for (const e of r.entries) {
        if (e.index <= startIndex) continue;
        const position = e.index - startIndex - 1;
        if (position > entries.length) {
          throw new WalCorruptionError(r.seq, `entry ${e.index} leaves a gap after index ${startIndex + entries.length}`);
        }
        // A later record's entry at an index already read replaces that entry and all after it.
        if (position < entries.length) entries = entries.slice(0, position);
        entries.push(e);
      }
      if (r.hardState) hardState = r.hardState;
    }
    const result: WalReadResult = { hardState, entries, lastSeq: records.at(-1)?.seq ?? 0 };
    if (start) result.snapshot = start;
    return result;
  }

  async releaseTo(index: number): Promise<number> {
    if (!Number.isInteger(index) || index < 0) throw new RangeError(`wal: release index must be a non-negative integer, got ${index}`);
    await this.ensureLoaded();
    let markerPos = -1;
    for (let i = 0; i < this.summaries.length; i++) {
      const m = this.summaries[i]!.marker;
      if (m && m.index <= index) markerPos = i;
    }
    if (markerPos <= 0) return 0;
    const marker = this.summaries[markerPos]!.marker!;
    // Keep any earlier record that still holds entries after the marker, and all after it, so that
    // replay from the marker reads exactly what it read before.
    let keepFrom = markerPos;
    for (let i = 0; i < markerPos; i++) {
      if (this.summaries[i]!.lastIndex > marker.index) {
        keepFrom = i;
        break;
      }
    }
    if (keepFrom === 0) return 0;
    const upperSeq = this.summaries[keepFrom]!.seq;
    await this.engine.write([{ op: 'deleteRange', store: STORE, lower: 0, upper: upperSeq }]);
    this.summaries = this.summaries.slice(keepFrom);
    return keepFrom;
  }
}

function summarize(seq: number, body: RecordBody): RecordSummary {
  const s: RecordSummary = { seq, lastIndex: body.entries.reduce((m, e) => Math.max(m, e.index), 0) };
  if (body.snapshot) s.marker = body.snapshot;
  return s;
}

function decode(rec: StoredWalRecord): RecordBody {
  const computed = walCrc(rec.seq, rec.data);
  if (computed !== rec.crc) {
    throw new WalCorruptionError(rec.seq, `crc mismatch: stored ${rec.crc.toString(16)}, computed ${computed.toString(16)}`);
  }
  try {
    return JSON.parse(rec.data) as RecordBody;
  } catch {
    throw new WalCorruptionError(rec.seq, 'undecodable record');
  }
}

function validateSave(save: WalSave): void {
  if (!save || !Array.isArray(save.entries)) throw new TypeError('wal: save needs an entries array');
  for (let i = 0; i < save.entries.length; i++) {
    const e = save.entries[i]!;
    if (!Number.isInteger(e.index) || e.index < 1) throw new RangeError(`wal: entry index must be an integer >= 1, got ${e.index}`);
    if (i > 0 && e.index !== save.entries[i - 1]!.index + 1) {
      throw new RangeError(`wal: entries in one record must be consecutive (${save.entries[i - 1]!.index} then ${e.index})`);
    }
  }
}

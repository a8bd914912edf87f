/**
 * Snapshots over an Engine: store 'snap' keyed by the snapshot's index, each `{ index, term, crc,
 * data }` with `data` the JSON of the raft Snapshot. Like etcd's snap directory it keeps the newest
 * few and, when loading, skips one that fails its check instead of failing the restart.
 */
import CRC32 from 'crc-32';
import type { Snapshot } from '../raft/types.ts';
import type { Engine, EngineOp } from './engine.ts';
import type { SnapshotInfo, Snapshotter, WalSnapshotMarker } from './types.ts';

const STORE = 'snap';

interface StoredSnapshot {
  index: number;
  term: number;
  crc: number;
  data: string;
}

export class SnapshotStore implements Snapshotter {
  /** Indexes stored, ascending; loaded on first use. */
  private indexes: number[] | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly keep: number,
  ) {
    if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`snapshotter: keepSnapshots must be an integer >= 1, got ${keep}`);
  }

  private async storedIndexes(): Promise<number[]> {
    this.indexes ??= (await this.engine.read(STORE)).map((r) => r.key as number);
    return this.indexes;
  }

  /** The ops that store `snapshot` and purge the oldest beyond the limit; `committed` records it. */
  async prepare(snapshot: Snapshot): Promise<{ ops: EngineOp[]; committed(): void }> {
    validateSnapshot(snapshot);
    const existing = await this.storedIndexes();
    const { index, term } = snapshot.metadata;
    const data = JSON.stringify(snapshot);
    const stored: StoredSnapshot = { index, term, crc: snapshotCrc(index, term, data), data };
    const after = [...new Set([...existing, index])].sort((a, b) => a - b);
    const purge = after.slice(0, Math.max(0, after.length - this.keep));
    const ops: EngineOp[] = [{ op: 'put', store: STORE, key: index, value: stored }];
    for (const old of purge) ops.push({ op: 'delete', store: STORE, key: old });
    return {
      ops,
      committed: () => {
        this.indexes = after.filter((i) => !purge.includes(i));
      },
    };
  }

  async save(snapshot: Snapshot): Promise<void> {
    const prepared = await this.prepare(snapshot);
    await this.engine.write(prepared.ops);
    prepared.committed();
  }

  async load(matching?: WalSnapshotMarker[]): Promise<Snapshot | undefined> {
    const rows = await this.engine.read(STORE);
    for (let i = rows.length - 1; i >= 0; i--) {
      const s = rows[i]!.value as StoredSnapshot;
      if (matching && !matching.some((m) => m.index === s.index && m.term === s.term)) continue;
      if (snapshotCrc(s.index, s.term, s.data) !== s.crc) continue;
      try {
        return JSON.parse(s.data) as Snapshot;
      } catch {
        continue;
      }
    }
    return undefined;
  }

  async list(): Promise<SnapshotInfo[]> {
    const rows = await this.engine.read(STORE);
    return rows
      .map((r) => r.value as StoredSnapshot)
      .reverse()
      .map((s) => ({ index: s.index, term: s.term, dataSize: s.data.length }));
  }
}

function snapshotCrc(index: number, term: number, data: string): number {
  return CRC32.str(`${index}:${term}:${data}`) >>> 0;
}

function validateSnapshot(s: Snapshot): void {
  if (!s || typeof s.data !== 'string' || !s.metadata) throw new TypeError('snapshotter: a snapshot needs data and metadata');
  const { index, term } = s.metadata;
  if (!Number.isInteger(index) || index < 1) throw new RangeError(`snapshotter: snapshot index must be an integer >= 1, got ${index}`);
  if (!Number.isInteger(term) || term < 0) throw new RangeError(`snapshotter: snapshot term must be a non-negative integer, got ${term}`);
}

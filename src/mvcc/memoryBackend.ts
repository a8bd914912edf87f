import { BTree } from './sortedTree.ts';
import type { Backend, BackendImage, KeyBucketValue, MetaKey } from './backend.ts';
import { type RevisionKey, compareRevisionKeys } from './revision.ts';

type Op =
  | { kind: 'put'; rev: RevisionKey; value: KeyBucketValue }
  | { kind: 'delete'; rev: RevisionKey }
  | { kind: 'meta'; key: MetaKey; value: number };

/**
 * The backend in memory, for tests and the in-process cluster. It keeps two states: what reads
 * see (every write) and what a crash would leave (committed units only), so a test can crash a
 * member at any point with `crashCopy()` and restart from exactly what was durable.
 */
export class MemoryBackend implements Backend {
  private readonly keys = new BTree<RevisionKey, KeyBucketValue>(undefined, compareRevisionKeys);
  private readonly meta = new Map<MetaKey, number>();
  private readonly durableKeys = new BTree<RevisionKey, KeyBucketValue>(undefined, compareRevisionKeys);
  private readonly durableMeta = new Map<MetaKey, number>();
  private pending: Op[] = [];
  /** Units committed so far (tests and inspectors). */
  commits = 0;

  static fromImage(image: BackendImage): MemoryBackend {
    const b = new MemoryBackend();
    for (const [rev, value] of image.keys) {
      b.keys.set([rev[0], rev[1]], value);
      b.durableKeys.set([rev[0], rev[1]], value);
    }
    for (const [k, v] of Object.entries(image.meta) as Array<[MetaKey, number]>) {
      b.meta.set(k, v);
      b.durableMeta.set(k, v);
    }
    return b;
  }

  getKey(rev: RevisionKey): KeyBucketValue | undefined {
    return this.keys.get(rev);
  }

  rangeKeys(from: RevisionKey, to: RevisionKey, limit = 0): Array<[RevisionKey, KeyBucketValue]> {
    const out: Array<[RevisionKey, KeyBucketValue]> = [];
    for (const [k, v] of this.keys.entries(from)) {
      if (compareRevisionKeys(k, to) >= 0) break;
      out.push([k, v]);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }

  getMeta(key: MetaKey): number | undefined {
    return this.meta.get(key);
  }

  putKey(rev: RevisionKey, value: KeyBucketValue): void {
    const k: RevisionKey = [rev[0], rev[1]];
    this.keys.set(k, value);
    this.pending.push({ kind: 'put', rev: k, value });
  }

  deleteKey(rev: RevisionKey): void {
    this.keys.delete(rev);
    this.pending.push({ kind: 'delete', rev: [rev[0], rev[1]] });
  }

  putMeta(key: MetaKey, value: number): void {
    this.meta.set(key, value);
    this.pending.push({ kind: 'meta', key, value });
  }

  commit(): Promise<void> {
    const unit = this.pending;
    this.pending = [];
    for (const op of unit) {
      if (op.kind === 'put') this.durableKeys.set(op.rev, op.value);
      else if (op.kind === 'delete') this.durableKeys.delete(op.rev);
      else this.durableMeta.set(op.key, op.value);
    }
    if (unit.length > 0) this.commits++;
    return Promise.resolve();
  }

  pendingWrites(): number {
    return this.pending.length;
  }

  image(): BackendImage {
    return { keys: [...this.keys.entries()].map(([k, v]) => [[k[0], k[1]], v]), meta: Object.fromEntries(this.meta) };
  }

  /** What survives a crash right now: a new backend holding only the committed units. */
  crashCopy(): MemoryBackend {
    return MemoryBackend.fromImage({
      keys: [...this.durableKeys.entries()].map(([k, v]) => [[k[0], k[1]], v]),
      meta: Object.fromEntries(this.durableMeta),
    });
  }
}

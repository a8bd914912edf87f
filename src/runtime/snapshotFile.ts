/**
 * Reading a snapshot file the playground wrote (`etcdctl snapshot save`): the blob is a member's
 * encoded application image, so its summary comes from decoding that image.
 */
import CRC32 from 'crc-32';
import type { SnapshotStatus } from '../client/etcdctl/printers.ts';
import { decodeAppImage } from '../server/appState.ts';

/**
 * `snapshot status` for a playground snapshot: the hash is a CRC-32 of the whole blob (etcd
 * hashes its database file), the revision is the store's current revision, and the key count
 * is the number of key revisions the image holds (etcd counts bolt entries likewise).
 * Throws if the blob is not a snapshot image.
 */
export function snapshotStatusOf(blob: string): SnapshotStatus {
  const img = decodeAppImage(blob);
  // A compaction may have dropped the newest revision's tombstone; the mark still counts.
  let revision = img.kv.meta.finishedCompactRev ?? 0;
  for (const [rev] of img.kv.keys) revision = Math.max(revision, rev[0]);
  return {
    hash: CRC32.bstr(blob) >>> 0,
    revision,
    totalKey: img.kv.keys.length,
    totalSize: blob.length,
  };
}

/** Throws a clear error unless `blob` decodes as a snapshot image (checked before anything changes). */
export function checkSnapshotBlob(blob: string): void {
  decodeAppImage(blob);
}

/**
 * How many members `etcdctl snapshot restore` asks for: one per `--initial-cluster` entry
 * (etcdctl's default names a single member).
 */
export function restoredMemberCount(initialCluster: string): number {
  return initialCluster.trim() === '' ? 1 : initialCluster.split(',').filter((s) => s.trim() !== '').length;
}

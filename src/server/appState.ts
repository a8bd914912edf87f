/**
 * The replicated state machine's image: what a raft snapshot carries and what `snapshot save`
 * returns. Everything a member applies from the log lives here, so restoring an image and
 * replaying the log after its index rebuilds the member exactly.
 *
 * Invariant: `consistentIndex` is the index of the last entry applied into this image.
 */
import type { BackendImage } from '../mvcc/backend.ts';
import type { LeaseRecord } from '../lease/backend.ts';
import type { AlarmMember } from './api.ts';
import type { MembershipState } from './membership.ts';

export interface AppImage {
  format: 'etcd-playground-snapshot/1';
  consistentIndex: number;
  /** Term of the entry at consistentIndex. */
  consistentTerm: number;
  kv: BackendImage;
  leases: LeaseRecord[];
  membership: MembershipState;
  alarms: AlarmMember[];
}

export function encodeAppImage(img: AppImage): string {
  return JSON.stringify(img);
}

/** Throws a clear error for data that is not an image this code wrote. */
export function decodeAppImage(data: string): AppImage {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    throw new Error('snapshot data is not a playground snapshot (not JSON)');
  }
  const img = v as AppImage;
  if (typeof img !== 'object' || img === null || img.format !== 'etcd-playground-snapshot/1') {
    throw new Error('snapshot data is not a playground snapshot (unknown format)');
  }
  return img;
}

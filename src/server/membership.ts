/**
 * The cluster's membership as every member records it (etcd's membership.RaftCluster): members
 * by ID with their attributes, IDs removed forever, and the cluster ID derived from the initial
 * members. It changes only by applying committed conf-change entries, so every member holds the
 * same registry at the same applied index.
 *
 * Invariants: a removed ID is never a member again; voters and learners are exactly the members
 * (by isLearner); the cluster ID never changes after bootstrap.
 */
import type { Id64, Member } from './api.ts';
import { computeClusterId, computeMemberId } from './ids.ts';

export interface MemberAttrs {
  ID: Id64;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MembershipState {
  clusterId: Id64;
  members: MemberAttrs[];
  removed: Id64[];
}

/** Why a conf change is refused, as etcd's membership package words it. */
export type MembershipRefusal = 'IDRemoved' | 'IDExists' | 'IDNotFound' | 'PeerURLExists' | 'MemberNotLearner';

export class Membership {
  private readonly members = new Map<Id64, MemberAttrs>();
  private readonly removed = new Set<Id64>();
  clusterId: Id64;

  private constructor(clusterId: Id64) {
    this.clusterId = clusterId;
  }

  /**
   * A new cluster from its initial configuration (etcd's --initial-cluster): member IDs from
   * peer URLs + cluster token, cluster ID from the member IDs.
   */
  static bootstrap(initial: readonly { name: string; peerURLs: string[]; clientURLs: string[] }[], clusterToken: string): Membership {
    const attrs = initial.map((m) => ({
      ID: computeMemberId(m.peerURLs, clusterToken),
      name: m.name,
      peerURLs: [...m.peerURLs],
      clientURLs: [...m.clientURLs],
      isLearner: false,
    }));
    const ms = new Membership(computeClusterId(attrs.map((a) => a.ID)));
    for (const a of attrs) ms.members.set(a.ID, a);
    return ms;
  }

  static restore(s: MembershipState): Membership {
    const ms = new Membership(s.clusterId);
    for (const m of s.members) ms.members.set(m.ID, { ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] });
    for (const id of s.removed) ms.removed.add(id);
    return ms;
  }

  snapshot(): MembershipState {
    return {
      clusterId: this.clusterId,
      members: this.list().map((m) => ({ ...m, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs] })),
      removed: [...this.removed].sort(),
    };
  }

  get(id: Id64): MemberAttrs | undefined {
    return this.members.get(id);
  }

  isRemoved(id: Id64): boolean {
    return this.removed.has(id);
  }

  /** Members sorted by ID, as etcd lists them. */
  list(): MemberAttrs[] {
    return [...this.members.values()].sort((a, b) => (BigInt('0x' + a.ID) < BigInt('0x' + b.ID) ? -1 : 1));
  }

  voters(): Id64[] {
    return this.list().filter((m) => !m.isLearner).map((m) => m.ID);
  }

  learners(): Id64[] {
    return this.list().filter((m) => m.isLearner).map((m) => m.ID);
  }

  /** Checked both when proposing and again when applying (state may have changed in between). */
  validateAdd(m: MemberAttrs): MembershipRefusal | null {
    if (this.removed.has(m.ID)) return 'IDRemoved';
    if (this.members.has(m.ID)) return 'IDExists';
    const urls = new Set(m.peerURLs);
    for (const o of this.members.values()) if (o.peerURLs.some((u) => urls.has(u))) return 'PeerURLExists';
    return null;
  }

  validateRemove(id: Id64): MembershipRefusal | null {
    if (this.removed.has(id)) return 'IDRemoved';
    if (!this.members.has(id)) return 'IDNotFound';
    return null;
  }

  validatePromote(id: Id64): MembershipRefusal | null {
    if (this.removed.has(id)) return 'IDRemoved';
    const m = this.members.get(id);
    if (!m) return 'IDNotFound';
    if (!m.isLearner) return 'MemberNotLearner';
    return null;
  }

  add(m: MemberAttrs): void {
    this.members.set(m.ID, { ...m });
  }

  remove(id: Id64): void {
    this.members.delete(id);
    this.removed.add(id);
  }

  promote(id: Id64): void {
    const m = this.members.get(id);
    if (m) m.isLearner = false;
  }

  /** A started member publishes its name and client URLs (etcd does it through a raft request). */
  setAttributes(id: Id64, name: string, clientURLs: string[]): void {
    const m = this.members.get(id);
    if (m) {
      m.name = name;
      m.clientURLs = [...clientURLs];
    }
  }

  toApi(m: MemberAttrs): Member {
    return { ID: m.ID, name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner };
  }
}

export { computeMemberId };

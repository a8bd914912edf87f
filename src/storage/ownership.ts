/**
 * Who owns a member's database. Two tabs of the playground must never run the same member on the
 * same database: both would append to one WAL. The factory takes an ownership lock before opening
 * and keeps it until close.
 *
 * - WebLocksOwnership: the Web Locks API (`navigator.locks`), in windows and workers. The browser
 *   drops the lock when its holder dies (tab closed, worker terminated), so a crash never leaves a
 *   member locked.
 * - HeartbeatOwnership: the fallback where Web Locks are missing. The owner writes
 *   { owner, beatMs } into the registry's 'owners' store and refreshes it every `intervalMs`; a
 *   record older than `staleMs` is treated as abandoned (its holder crashed) and may be taken over.
 *   Taking over reads and writes the record in one transaction, so two contenders cannot both win.
 *   A holder paused longer than `staleMs` (a frozen background tab) may lose the member; that is the
 *   fallback's known limit.
 * - InProcessOwnership: a set of names, for the memory implementation.
 */
import type { Engine } from './engine.ts';

export interface OwnershipHandle {
  release(): Promise<void>;
}

export interface OwnershipLock {
  /** Takes the lock for `name` if nobody holds it; null when it is held elsewhere. */
  tryAcquire(name: string): Promise<OwnershipHandle | null>;
}

/** The part of the Web Locks API used here (LockManager). */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void> | void): Promise<unknown>;
}

export class WebLocksOwnership implements OwnershipLock {
  constructor(private readonly locks: LockManagerLike) {}

  tryAcquire(name: string): Promise<OwnershipHandle | null> {
    return new Promise((resolve, reject) => {
      this.locks
        .request(name, { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolve(null);
            return;
          }
          // The lock is held for as long as this promise is pending.
          return new Promise<void>((releaseLock) => {
            resolve({ release: async () => releaseLock() });
          });
        })
        .catch(reject);
    });
  }
}

export interface HeartbeatOptions {
  /** Wall-clock milliseconds; default Date.now. */
  now?: () => number;
  /** Default 2000. */
  intervalMs?: number;
  /** Default 3 * intervalMs. */
  staleMs?: number;
  /** This owner's identity; default a random UUID. */
  ownerId?: string;
}

interface OwnerRecord {
  owner: string;
  beatMs: number;
}

export class HeartbeatOwnership implements OwnershipLock {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly staleMs: number;
  readonly ownerId: string;

  constructor(
    private readonly registry: Engine,
    options: HeartbeatOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    this.intervalMs = options.intervalMs ?? 2000;
    this.staleMs = options.staleMs ?? 3 * this.intervalMs;
    this.ownerId = options.ownerId ?? globalThis.crypto.randomUUID();
  }

  /** Names this owner holds: the registry record alone cannot refuse a second open by the same owner. */
  private readonly mine = new Set<string>();

  async tryAcquire(name: string): Promise<OwnershipHandle | null> {
    const me = this.ownerId;
    if (this.mine.has(name)) return null;
    this.mine.add(name);
    let won = false;
    try {
      won = await this.registry.update('owners', name, (current) => {
        const rec = current as OwnerRecord | undefined;
        if (rec && rec.owner !== me && this.now() - rec.beatMs < this.staleMs) return undefined;
        return { put: { owner: me, beatMs: this.now() } satisfies OwnerRecord };
      });
    } finally {
      if (!won) this.mine.delete(name);
    }
    if (!won) return null;
    const timer = setInterval(() => {
      void this.registry
        .update('owners', name, (current) =>
          (current as OwnerRecord | undefined)?.owner === me ? { put: { owner: me, beatMs: this.now() } } : undefined,
        )
        .catch(() => undefined);
    }, this.intervalMs);
    (timer as { unref?: () => void }).unref?.();
    return {
      release: async () => {
        clearInterval(timer);
        this.mine.delete(name);
        await this.registry.update('owners', name, (current) =>
          (current as OwnerRecord | undefined)?.owner === me ? { delete: true } : undefined,
        );
      },
    };
  }
}

export class InProcessOwnership implements OwnershipLock {
  /** Holder tokens by name: a released or dropped holder can never free a newer holder's lock. */
  private readonly held = new Map<string, object>();

  async tryAcquire(name: string): Promise<OwnershipHandle | null> {
    if (this.held.has(name)) return null;
    const token = {};
    this.held.set(name, token);
    return {
      release: async () => {
        if (this.held.get(name) === token) this.held.delete(name);
      },
    };
  }

  /** A crashed holder's lock goes away with it (as Web Locks do when a worker dies). */
  drop(name: string): void {
    this.held.delete(name);
  }
}

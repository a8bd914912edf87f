/**
 * etcd's wait.Wait: a request ID registered by the member that proposed it, triggered by the
 * apply loop with the result. Values are plain data (the host turns them into responses), so a
 * member never holds a promise across the worker boundary.
 *
 * Invariant: an ID is registered at most once at a time; trigger of an unknown ID is a no-op
 * (another member proposed it, or it was already answered or timed out).
 */
export class Wait<T> {
  private readonly pending = new Map<string, T>();

  register(id: string, ctx: T): void {
    if (this.pending.has(id)) throw new Error(`duplicate request id ${id}`);
    this.pending.set(id, ctx);
  }

  /** Removes and returns the waiter, if any. */
  take(id: string): T | undefined {
    const v = this.pending.get(id);
    if (v !== undefined) this.pending.delete(id);
    return v;
  }

  isRegistered(id: string): boolean {
    return this.pending.has(id);
  }

  get size(): number {
    return this.pending.size;
  }

  entries(): IterableIterator<[string, T]> {
    return this.pending.entries();
  }

  /** Drops every waiter and returns them (a member stopping answers them all with an error). */
  drain(): T[] {
    const all = [...this.pending.values()];
    this.pending.clear();
    return all;
  }
}

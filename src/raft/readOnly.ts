import type { Message, NodeId, ReadOnlyOption } from './types.ts';

export interface ReadIndexStatus {
  /** The original MsgReadIndex (its entries[0].data is the request context). */
  req: Message;
  /** The leader's commit index when the request arrived: the read may be served once applied. */
  index: number;
  /** Members that answered a heartbeat carrying this request's context. */
  acks: Set<NodeId>;
}

/**
 * Read-index requests waiting on the leader for a quorum to confirm it is still leader
 * (ReadOnlySafe). Requests are answered in arrival order: a quorum ack for one request also
 * confirms every request queued before it, because they were sent no later.
 *
 * Invariant: `queue` holds exactly the keys of `pending`, in arrival order.
 */
export class ReadOnly {
  readonly option: ReadOnlyOption;
  private pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  constructor(option: ReadOnlyOption) {
    this.option = option;
  }

  addRequest(index: number, m: Message): void {
    const ctx = m.entries[0]!.data;
    if (this.pending.has(ctx)) return;
    this.pending.set(ctx, { req: m, index, acks: new Set() });
    this.queue.push(ctx);
  }

  /** Records a heartbeat ack carrying ctx; returns who has acked it so far. */
  recvAck(id: NodeId, ctx: string): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(ctx);
    if (!rs) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Removes and returns the request with ctx and every request queued before it. */
  advance(ctx: string): ReadIndexStatus[] {
    const i = this.queue.indexOf(ctx);
    if (i < 0) return [];
    const done = this.queue.splice(0, i + 1);
    const out: ReadIndexStatus[] = [];
    for (const c of done) {
      out.push(this.pending.get(c)!);
      this.pending.delete(c);
    }
    return out;
  }

  lastPendingRequestCtx(): string {
    return this.queue.length === 0 ? '' : this.queue[this.queue.length - 1]!;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}

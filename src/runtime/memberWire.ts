/**
 * The payloads the simulated network carries between members and clients. Member-bound payloads
 * are exactly the member's inputs; client-bound payloads are answers and watch responses.
 */
import type { ClientResult, MemberInput, MemberOutput } from '../server/protocol.ts';
import type { WatchResponse } from '../server/api.ts';

export type ClientInbound =
  | { kind: 'reply'; reqId: number; result: ClientResult }
  | { kind: 'watchResponse'; streamId: number; resp: WatchResponse };

export type WirePayload = MemberInput | ClientInbound;

/** A one-line summary of a payload for the trace (stable: part of the trace hash). */
export function describePayload(p: WirePayload): string {
  switch (p.kind) {
    case 'raft': {
      const m = p.msg;
      return `${m.type} t${m.term} i${m.index} c${m.commit} n${m.entries.length}${m.reject ? ' reject' : ''}`;
    }
    case 'request':
      return `req#${p.reqId} ${p.request.op}`;
    case 'watch':
      return `watch#${p.streamId} ${Object.keys(p.request)[0]}`;
    case 'watchClose':
      return `watchClose#${p.streamId}`;
    case 'peerRequest':
      return `fwd#${p.fwdId} ${p.request.op}`;
    case 'peerReply':
      return `fwdReply#${p.fwdId} ${p.result.ok ? 'ok' : p.result.error.message}`;
    case 'reply':
      return `reply#${p.reqId} ${p.result.ok ? 'ok' : p.result.error.message}`;
    case 'watchResponse':
      return `watchResp#${p.streamId} w${p.resp.watch_id} ev${p.resp.events.length}${p.resp.created ? ' created' : ''}${p.resp.canceled ? ' canceled' : ''}`;
  }
}

/** Turns a member's output into the payload put on the wire (the sender's identity travels along). */
export function payloadOfOutput(o: MemberOutput, fromMemberId: string): WirePayload {
  switch (o.kind) {
    case 'raft':
      return { kind: 'raft', msg: o.msg };
    case 'reply':
      return { kind: 'reply', reqId: o.reqId, result: o.result };
    case 'watch':
      return { kind: 'watchResponse', streamId: o.streamId, resp: o.resp };
    case 'peerRequest':
      return { kind: 'peerRequest', from: fromMemberId, fwdId: o.fwdId, request: o.request };
    case 'peerReply':
      return { kind: 'peerReply', from: fromMemberId, fwdId: o.fwdId, result: o.result };
  }
}

/**
 * etcdctl 3.4's output for each response, in each --write-out format. Every function returns a
 * byte string (see mvcc/bytes.ts); `null` means etcdctl's printer for that format does not
 * support this response ("<format> not supported as output format").
 *
 * json is encoding/json over etcd's Go structs: fields with zero values are omitted, 64-bit
 * IDs are plain numbers, byte fields are base64, enums are numbers. Lease responses embed the
 * header (so its fields appear at top level) and use their own field names.
 */
import type {
  DeleteRangeResponse,
  Event,
  KeyValue,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseTimeToLiveResponse,
  Member,
  MemberListResponse,
  PutResponse,
  RangeResponse,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnResponse,
  WatchResponse,
  HashKVResponse,
} from '../../server/api.ts';
import { bytesToBase64, bytesToHex } from '../../server/api.ts';
import {
  goJson,
  goQuote,
  hexId,
  humanizeBytes,
  intDecimal,
  RawJsonNumber,
  textBytes,
  uintDecimal,
  type GoJson,
} from './goFormat.ts';

export type WriteOut = 'simple' | 'json' | 'fields' | 'table';

export interface PrintOptions {
  hex: boolean;
  valueOnly: boolean;
}

// ---- json building blocks ----

type Obj = { [k: string]: GoJson };

function omit(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === 0 || v === false || v === '' || v === undefined) continue;
    if (v instanceof RawJsonNumber && v.digits === '0') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

const uint = (id: string) => new RawJsonNumber(uintDecimal(id));
const int64 = (id: string) => new RawJsonNumber(intDecimal(id));

export function jsonHeaderFields(h: ResponseHeader): Obj {
  return omit({ cluster_id: uint(h.cluster_id), member_id: uint(h.member_id), revision: h.revision, raft_term: h.raft_term });
}

export function jsonKv(kv: KeyValue): Obj {
  return omit({
    key: kv.key === '' ? '' : bytesToBase64(kv.key),
    create_revision: kv.create_revision,
    mod_revision: kv.mod_revision,
    version: kv.version,
    value: kv.value === '' ? '' : bytesToBase64(kv.value),
    lease: int64(kv.lease),
  });
}

function line(o: GoJson): string {
  return textBytes(goJson(o)) + '\n';
}

function jsonRange(r: RangeResponse): Obj {
  return omit({ header: jsonHeaderFields(r.header), kvs: r.kvs.map(jsonKv), more: r.more, count: r.count });
}
function jsonPut(r: PutResponse): Obj {
  const o: Obj = { header: jsonHeaderFields(r.header) };
  if (r.prev_kv) o.prev_kv = jsonKv(r.prev_kv);
  return o;
}
function jsonDel(r: DeleteRangeResponse): Obj {
  return omit({ header: jsonHeaderFields(r.header), deleted: r.deleted, prev_kvs: r.prev_kvs.map(jsonKv) });
}
function jsonTxn(r: TxnResponse): Obj {
  return omit({ header: jsonHeaderFields(r.header), succeeded: r.succeeded, responses: r.responses.map(jsonOp) });
}
function jsonOp(op: ResponseOp): Obj {
  // The oneof wrappers carry no json tags, so Go names them by field name.
  if ('response_range' in op) return { Response: { ResponseRange: jsonRange(op.response_range) } };
  if ('response_put' in op) return { Response: { ResponsePut: jsonPut(op.response_put) } };
  if ('response_delete_range' in op) {
    return { Response: { ResponseDeleteRange: jsonDel(op.response_delete_range) } };
  }
  return { Response: { ResponseTxn: jsonTxn(op.response_txn) } };
}

export function jsonMember(m: Member): Obj {
  return omit({ ID: uint(m.ID), name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs, isLearner: m.isLearner });
}

// ---- fields building blocks ----

function fHdr(h: ResponseHeader): string {
  return (
    `"ClusterID" : ${uintDecimal(h.cluster_id)}\n` +
    `"MemberID" : ${uintDecimal(h.member_id)}\n` +
    `"Revision" : ${h.revision}\n` +
    `"RaftTerm" : ${h.raft_term}\n`
  );
}

function fKv(pfx: string, kv: KeyValue): string {
  return (
    `"${pfx}Key" : ${goQuote(kv.key)}\n` +
    `"${pfx}CreateRevision" : ${kv.create_revision}\n` +
    `"${pfx}ModRevision" : ${kv.mod_revision}\n` +
    `"${pfx}Version" : ${kv.version}\n` +
    `"${pfx}Value" : ${goQuote(kv.value)}\n` +
    `"${pfx}Lease" : ${intDecimal(kv.lease)}\n`
  );
}

// ---- simple building blocks ----

function hexBytes(b: string): string {
  return bytesToHex(b).replace(/(..)/g, '\\x$1');
}

function sKv(o: PrintOptions, kv: KeyValue): string {
  const k = o.hex ? hexBytes(kv.key) : kv.key;
  const v = o.hex ? hexBytes(kv.value) : kv.value;
  return (o.valueOnly ? '' : k + '\n') + v + '\n';
}

// ---- per response ----

export function printGet(w: WriteOut, o: PrintOptions, r: RangeResponse): string | null {
  switch (w) {
    case 'simple':
      return r.kvs.map((kv) => sKv(o, kv)).join('');
    case 'json':
      return line(jsonRange(r));
    case 'fields':
      return fHdr(r.header) + r.kvs.map((kv) => fKv('', kv)).join('') + `"More" : ${r.more}\n"Count" : ${r.count}\n`;
    default:
      return null;
  }
}

export function printPut(w: WriteOut, o: PrintOptions, r: PutResponse): string | null {
  switch (w) {
    case 'simple':
      return 'OK\n' + (r.prev_kv ? sKv(o, r.prev_kv) : '');
    case 'json':
      return line(jsonPut(r));
    case 'fields':
      return fHdr(r.header) + (r.prev_kv ? fKv('Prev', r.prev_kv) : '');
    default:
      return null;
  }
}

export function printDel(w: WriteOut, o: PrintOptions, r: DeleteRangeResponse): string | null {
  switch (w) {
    case 'simple':
      return `${r.deleted}\n` + r.prev_kvs.map((kv) => sKv(o, kv)).join('');
    case 'json':
      return line(jsonDel(r));
    case 'fields':
      return fHdr(r.header) + `"Deleted" : ${r.deleted}\n` + r.prev_kvs.map((kv) => fKv('Prev', kv)).join('');
    default:
      return null;
  }
}

export function printTxn(w: WriteOut, o: PrintOptions, r: TxnResponse): string | null {
  switch (w) {
    case 'simple': {
      let out = r.succeeded ? 'SUCCESS\n' : 'FAILURE\n';
      for (const op of r.responses) {
        out += '\n';
        if ('response_range' in op) out += printGet(w, o, op.response_range);
        else if ('response_put' in op) out += printPut(w, o, op.response_put);
        else if ('response_delete_range' in op) out += printDel(w, o, op.response_delete_range);
        else out += 'unexpected response\n';
      }
      return out;
    }
    case 'json':
      return line(jsonTxn(r));
    case 'fields': {
      let out = fHdr(r.header) + `"Succeeded" : ${r.succeeded}\n`;
      for (const op of r.responses) {
        if ('response_range' in op) out += printGet(w, o, op.response_range);
        else if ('response_put' in op) out += printPut(w, o, op.response_put);
        else if ('response_delete_range' in op) out += printDel(w, o, op.response_delete_range);
        else out += '"Unknown" : ""\n';
      }
      return out;
    }
    default:
      return null;
  }
}

function jsonEvent(e: Event): Obj {
  const o: Obj = {};
  if (e.type === 'DELETE') o.type = 1;
  o.kv = jsonKv(e.kv);
  if (e.prev_kv) o.prev_kv = jsonKv(e.prev_kv);
  return o;
}

export function printWatch(w: WriteOut, o: PrintOptions, r: WatchResponse): string | null {
  switch (w) {
    case 'simple':
      return r.events.map((e) => `${e.type}\n` + (e.prev_kv ? sKv(o, e.prev_kv) : '') + sKv(o, e.kv)).join('');
    case 'json':
      return line({
        Header: jsonHeaderFields(r.header),
        Events: r.events.length === 0 ? null : r.events.map(jsonEvent),
        CompactRevision: r.compact_revision,
        Canceled: r.canceled,
        Created: r.created,
      });
    case 'fields':
      return (
        fHdr(r.header) +
        r.events.map((e) => `"Type" : ${e.type}\n` + (e.prev_kv ? fKv('Prev', e.prev_kv) : '') + fKv('', e.kv)).join('')
      );
    default:
      return null;
  }
}

// ---- lease ----

function leaseHdrJson(h: ResponseHeader): Obj {
  return jsonHeaderFields(h);
}

export function printLeaseGrant(w: WriteOut, r: LeaseGrantResponse, hexLeaseId: string): string | null {
  switch (w) {
    case 'simple':
      return `lease ${hexLeaseId} granted with TTL(${r.TTL}s)\n`;
    case 'json':
      return line({ ...leaseHdrJson(r.header), ID: int64(r.ID), TTL: r.TTL, Error: r.error });
    case 'fields':
      return fHdr(r.header) + `"ID" : ${intDecimal(r.ID)}\n"TTL" : ${r.TTL}\n`;
    default:
      return null;
  }
}

export function printKeepAlive(w: WriteOut, r: LeaseKeepAliveResponse, hexLeaseId: string): string | null {
  switch (w) {
    case 'simple':
      return `lease ${hexLeaseId} keepalived with TTL(${r.TTL})\n`;
    case 'json':
      return line({ ...leaseHdrJson(r.header), ID: int64(r.ID), TTL: r.TTL });
    case 'fields':
      return fHdr(r.header) + `"ID" : ${intDecimal(r.ID)}\n"TTL" : ${r.TTL}\n`;
    default:
      return null;
  }
}

export function printTimeToLive(
  w: WriteOut,
  r: LeaseTimeToLiveResponse,
  hexLeaseId: string,
  keys: boolean,
): string | null {
  switch (w) {
    case 'simple': {
      if (r.grantedTTL === 0 && r.TTL === -1) return `lease ${hexLeaseId} already expired\n`;
      let txt = `lease ${hexLeaseId} granted with TTL(${r.grantedTTL}s), remaining(${r.TTL}s)`;
      if (keys) txt += `, attached keys([${r.keys.join(' ')}])`;
      return txt + '\n';
    }
    case 'json':
      return line({
        ...leaseHdrJson(r.header),
        id: int64(r.ID),
        ttl: r.TTL,
        'granted-ttl': r.grantedTTL,
        keys: r.keys.length === 0 ? null : r.keys.map((k) => bytesToBase64(k)),
      });
    case 'fields':
      return (
        fHdr(r.header) +
        `"ID" : ${intDecimal(r.ID)}\n"TTL" : ${r.TTL}\n"GrantedTTL" : ${r.grantedTTL}\n` +
        r.keys.map((k) => `"Key" : ${goQuote(k)}\n`).join('')
      );
    default:
      return null;
  }
}

export function printLeases(w: WriteOut, r: LeaseLeasesResponse, hexLease: (id: string) => string): string | null {
  switch (w) {
    case 'simple':
      return `found ${r.leases.length} leases\n` + r.leases.map((l) => hexLease(l.ID) + '\n').join('');
    case 'json':
      return line({ ...leaseHdrJson(r.header), leases: r.leases.map((l) => ({ id: int64(l.ID) })) });
    case 'fields':
      return fHdr(r.header) + r.leases.map((l) => `"ID" : ${intDecimal(l.ID)}\n`).join('');
    default:
      return null;
  }
}

// ---- cluster ----

function memberRow(m: Member): string[] {
  return [
    hexId(m.ID),
    m.name === '' ? 'unstarted' : 'started',
    m.name,
    m.peerURLs.join(','),
    m.clientURLs.join(','),
    String(m.isLearner),
  ];
}

export function printMemberList(w: WriteOut, r: MemberListResponse): string | null {
  switch (w) {
    case 'simple':
      return r.members.map((m) => textBytes(memberRow(m).join(', ')) + '\n').join('');
    case 'json':
      return line({ header: jsonHeaderFields(r.header), members: r.members.map(jsonMember) });
    case 'fields':
      return (
        fHdr(r.header) +
        r.members
          .map(
            (m) =>
              `"ID" : ${uintDecimal(m.ID)}\n"Name" : ${goQuote(textBytes(m.name))}\n` +
              m.peerURLs.map((u) => `"PeerURL" : ${goQuote(textBytes(u))}\n`).join('') +
              m.clientURLs.map((u) => `"ClientURL" : ${goQuote(textBytes(u))}\n`).join('') +
              `"IsLearner" : ${m.isLearner}\n\n`,
          )
          .join('')
      );
    case 'table':
      return textBytes(
        renderTableFrom(['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'], r.members.map(memberRow)),
      );
  }
}

import { renderTable } from './table.ts';
function renderTableFrom(h: string[], rows: string[][]): string {
  return renderTable(h, rows);
}

export interface EndpointStatus {
  ep: string;
  resp: StatusResponse;
}

function statusRow(s: EndpointStatus): string[] {
  return [
    s.ep,
    hexId(s.resp.header.member_id),
    s.resp.version,
    humanizeBytes(s.resp.dbSize),
    String(s.resp.leader === s.resp.header.member_id),
    String(s.resp.isLearner),
    String(s.resp.raftTerm),
    String(s.resp.raftIndex),
    String(s.resp.raftAppliedIndex),
    s.resp.errors.join(', '),
  ];
}

export function printEndpointStatus(w: WriteOut, list: EndpointStatus[]): string | null {
  switch (w) {
    case 'simple':
      return list.map((s) => textBytes(statusRow(s).join(', ')) + '\n').join('');
    case 'json':
      return line(
        list.map((s) => ({
          Endpoint: s.ep,
          Status: omit({
            header: jsonHeaderFields(s.resp.header),
            version: s.resp.version,
            dbSize: s.resp.dbSize,
            leader: uint(s.resp.leader),
            raftIndex: s.resp.raftIndex,
            raftTerm: s.resp.raftTerm,
            raftAppliedIndex: s.resp.raftAppliedIndex,
            errors: s.resp.errors,
            dbSizeInUse: s.resp.dbSizeInUse,
            isLearner: s.resp.isLearner,
          }),
        })),
      );
    case 'fields':
      return list
        .map(
          (s) =>
            fHdr(s.resp.header) +
            `"Version" : ${goQuote(textBytes(s.resp.version))}\n` +
            `"DBSize" : ${s.resp.dbSize}\n` +
            `"Leader" : ${uintDecimal(s.resp.leader)}\n` +
            `"IsLearner" : ${s.resp.isLearner}\n` +
            `"RaftIndex" : ${s.resp.raftIndex}\n` +
            `"RaftTerm" : ${s.resp.raftTerm}\n` +
            `"RaftAppliedIndex" : ${s.resp.raftAppliedIndex}\n` +
            `"Errors" : [${s.resp.errors.join(' ')}]\n` +
            `"Endpoint" : ${goQuote(textBytes(s.ep))}\n\n`,
        )
        .join('');
    case 'table':
      return textBytes(
        renderTable(
          ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
          list.map(statusRow),
        ),
      );
  }
}

export interface EndpointHealth {
  ep: string;
  health: boolean;
  took: string;
  error: string;
}

export function printEndpointHealth(w: WriteOut, list: EndpointHealth[]): { out: string; err: string } | null {
  switch (w) {
    case 'simple':
      return {
        out: '',
        err: list
          .map((h) =>
            textBytes(
              h.error === ''
                ? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n`
                : `${h.ep} is unhealthy: failed to commit proposal: ${h.error}\n`,
            ),
          )
          .join(''),
      };
    case 'json':
      return {
        out: line(list.map((h) => omit({ endpoint: h.ep, health: h.health, took: h.took, error: h.error }))),
        err: '',
      };
    case 'fields':
      return {
        out: list
          .map((h) =>
            textBytes(`"Endpoint" : ${goQuote(h.ep)}\n"Health" : ${h.health}\n"Took" : ${h.took}\n"Error" : ${h.error}\n\n`),
          )
          .join(''),
        err: '',
      };
    case 'table':
      return {
        out: textBytes(renderTable(['endpoint', 'health', 'took', 'error'], list.map((h) => [h.ep, String(h.health), h.took, h.error]))),
        err: '',
      };
  }
}

export interface EndpointHash {
  ep: string;
  resp: HashKVResponse;
}

export function printEndpointHashKV(w: WriteOut, list: EndpointHash[]): string | null {
  switch (w) {
    case 'simple':
      return list.map((h) => textBytes(`${h.ep}, ${h.resp.hash}`) + '\n').join('');
    case 'json':
      return line(
        list.map((h) => ({
          Endpoint: h.ep,
          HashKV: omit({ header: jsonHeaderFields(h.resp.header), hash: h.resp.hash, compact_revision: h.resp.compact_revision }),
        })),
      );
    case 'fields':
      return list
        .map((h) => fHdr(h.resp.header) + textBytes(`"Endpoint" : ${goQuote(h.ep)}\n`) + `"Hash" : ${h.resp.hash}\n\n`)
        .join('');
    case 'table':
      return textBytes(renderTable(['endpoint', 'hash'], list.map((h) => [h.ep, String(h.resp.hash)])));
  }
}

export interface SnapshotStatus {
  hash: number;
  revision: number;
  totalKey: number;
  totalSize: number;
}

function snapshotRow(s: SnapshotStatus): string[] {
  return [s.hash.toString(16), String(s.revision), String(s.totalKey), humanizeBytes(s.totalSize)];
}

export function printSnapshotStatus(w: WriteOut, s: SnapshotStatus): string {
  switch (w) {
    case 'simple':
      return snapshotRow(s).join(', ') + '\n';
    case 'json':
      return line({ hash: s.hash, revision: s.revision, totalKey: s.totalKey, totalSize: s.totalSize });
    case 'fields':
      return `"Hash" : ${s.hash}\n"Revision" : ${s.revision}\n"Keys" : ${s.totalKey}\n"Size" : ${s.totalSize}\n`;
    case 'table':
      return renderTable(['hash', 'revision', 'total keys', 'total size'], [snapshotRow(s)]);
  }
}

export function fieldsHeader(h: ResponseHeader): string {
  return fHdr(h);
}

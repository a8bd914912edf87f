/**
 * History files: a recorded history as JSON, to attach to a bug report, replay a failing seed's
 * check, or load into the page.
 *
 * Format "etcd-playground-history", version 1:
 *
 * ```json
 * {
 *   "format": "etcd-playground-history",
 *   "version": 1,
 *   "bytes": "base64",
 *   "operations": [
 *     { "id": 0, "clientId": "c1", "callMs": 100, "returnMs": 130,
 *       "op": { "type": "put", "request": { "key": "Zm9v", "value": "YmFy" } },
 *       "outcome": { "status": "ok", "response": { "header": { "revision": 2 } } } }
 *   ],
 *   "watches": [
 *     { "watcherId": "w0", "clientId": "c2", "createdMs": 90, "closedMs": null,
 *       "request": { "key": "Zm9v" },
 *       "responses": [ { "timeMs": 91, "response": { "header": { "revision": 1 }, "watch_id": 1,
 *         "created": true, "canceled": false, "compact_revision": 0, "cancel_reason": "",
 *         "fragment": false, "events": [] } } ] }
 *   ]
 * }
 * ```
 *
 * - `operations`: one entry per client KV operation. `op.type` is "put", "range",
 *   "deleteRange" or "txn"; `op.request` is etcd's request message with etcd's field names
 *   (PutRequest, RangeRequest, DeleteRangeRequest, TxnRequest). Times are virtual milliseconds.
 * - `outcome.status`: "ok" with `response` (etcd's response message; `header.revision` is
 *   required), "failed" with `error` `{ code?, message }` (the request certainly had no effect),
 *   or "indeterminate" (no answer; it may have taken effect or not) with an optional `error`.
 *   `returnMs` is null exactly for indeterminate operations (their return is +infinity);
 *   they may carry `gaveUpMs`, when the client stopped waiting (informational).
 * - `watches`: one entry per watch stream: the create request, every response received with its
 *   arrival time, `closedMs` (null if still open at the end), and `resumes`, the id of the
 *   watcher this one continues after a reconnect (optional).
 * - Bytes: keys and values are byte strings. Every field named `key`, `range_end` or `value`,
 *   wherever it appears (requests, compares, kvs, prev_kv, events), is written as standard
 *   base64 (RFC 4648) of its bytes, so binary keys survive any JSON tool. All other strings
 *   (ids, lease IDs in lowercase hex, error texts) are plain JSON strings.
 * - Numbers are JSON numbers (revisions and versions are exact below 2^53).
 *
 * Readers must reject another `format`, a higher `version`, or a different `bytes` encoding;
 * `importHistory` does, and checks every field it relies on, naming the path of the first bad one.
 */
import type { History, HistoryOperation, WatchRecord } from './types.ts';

export const HISTORY_FORMAT = 'etcd-playground-history';
export const HISTORY_VERSION = 1;

export interface HistoryFile {
  format: typeof HISTORY_FORMAT;
  version: typeof HISTORY_VERSION;
  bytes: 'base64';
  operations: unknown[];
  watches: unknown[];
}

const BYTE_FIELDS = new Set(['key', 'range_end', 'value']);

function encodeBytes(s: string, path: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) throw new Error(`${path}: not a byte string (code unit ${s.charCodeAt(i)} at ${i})`);
  }
  return btoa(s);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBytes(s: unknown, path: string): string {
  if (typeof s !== 'string' || s.length % 4 !== 0 || !BASE64.test(s)) throw new Error(`${path}: expected base64 bytes, got ${JSON.stringify(s)}`);
  return atob(s);
}

/** Copies `value`, mapping every byte field through `f`. */
function mapBytes(value: unknown, f: (s: string, path: string) => string, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => mapBytes(v, f, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = `${path}.${k}`;
    if (BYTE_FIELDS.has(k) && v !== undefined) out[k] = f(v as string, p);
    else out[k] = mapBytes(v, f, p);
  }
  return out;
}

/** The file's object form (pass it to JSON.stringify). */
export function exportHistory(history: History): HistoryFile {
  return {
    format: HISTORY_FORMAT,
    version: HISTORY_VERSION,
    bytes: 'base64',
    operations: mapBytes(history.operations, encodeBytes, 'operations') as unknown[],
    watches: mapBytes(history.watches, encodeBytes, 'watches') as unknown[],
  };
}

export function exportHistoryJson(history: History): string {
  return JSON.stringify(exportHistory(history));
}

// ---- import ----

type Obj = Record<string, unknown>;

function fail(path: string, what: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80);
  throw new Error(`history file: ${path}: expected ${what}, got ${shown}`);
}
function obj(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'an object', v);
  return v as Obj;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'a string', v);
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a finite number', v);
  return v;
}
function int(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'an integer', v);
  return v;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v;
}
function optional<T>(o: Obj, k: string, check: (v: unknown, p: string) => T, path: string): void {
  if (o[k] !== undefined) check(o[k], `${path}.${k}`);
}

function checkKv(v: unknown, path: string): void {
  const kv = obj(v, path);
  str(kv.key, `${path}.key`);
  int(kv.mod_revision, `${path}.mod_revision`);
  optional(kv, 'create_revision', int, path);
  optional(kv, 'version', int, path);
  optional(kv, 'value', str, path);
  optional(kv, 'lease', str, path);
}

function checkHeader(v: unknown, path: string): void {
  int(obj(v, path).revision, `${path}.revision`);
}

function checkRequestOps(v: unknown, path: string): void {
  arr(v, path).forEach((x, i) => {
    const p = `${path}[${i}]`;
    const o = obj(x, p);
    if (o.request_range !== undefined) str(obj(o.request_range, `${p}.request_range`).key, `${p}.request_range.key`);
    else if (o.request_put !== undefined) str(obj(o.request_put, `${p}.request_put`).key, `${p}.request_put.key`);
    else if (o.request_delete_range !== undefined) str(obj(o.request_delete_range, `${p}.request_delete_range`).key, `${p}.request_delete_range.key`);
    else if (o.request_txn !== undefined) checkTxnRequest(o.request_txn, `${p}.request_txn`);
    else fail(p, 'one of request_range, request_put, request_delete_range, request_txn', x);
  });
}

function checkTxnRequest(v: unknown, path: string): void {
  const t = obj(v, path);
  if (t.compare !== undefined) {
    arr(t.compare, `${path}.compare`).forEach((c, i) => {
      const p = `${path}.compare[${i}]`;
      const co = obj(c, p);
      str(co.key, `${p}.key`);
      if (!['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'].includes(co.result as string)) fail(`${p}.result`, 'EQUAL, GREATER, LESS or NOT_EQUAL', co.result);
      if (!['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'].includes(co.target as string)) fail(`${p}.target`, 'VERSION, CREATE, MOD, VALUE or LEASE', co.target);
    });
  }
  if (t.success !== undefined) checkRequestOps(t.success, `${path}.success`);
  if (t.failure !== undefined) checkRequestOps(t.failure, `${path}.failure`);
}

function checkResponse(type: string, v: unknown, path: string): void {
  const r = obj(v, path);
  checkHeader(r.header, `${path}.header`);
  if (type === 'range') {
    arr(r.kvs, `${path}.kvs`).forEach((kv, i) => checkKv(kv, `${path}.kvs[${i}]`));
    int(r.count, `${path}.count`);
    bool(r.more, `${path}.more`);
  } else if (type === 'put') {
    if (r.prev_kv !== undefined) checkKv(r.prev_kv, `${path}.prev_kv`);
  } else if (type === 'deleteRange') {
    int(r.deleted, `${path}.deleted`);
    arr(r.prev_kvs, `${path}.prev_kvs`).forEach((kv, i) => checkKv(kv, `${path}.prev_kvs[${i}]`));
  } else {
    bool(r.succeeded, `${path}.succeeded`);
    arr(r.responses, `${path}.responses`).forEach((x, i) => {
      const p = `${path}.responses[${i}]`;
      const o = obj(x, p);
      const [k] = Object.keys(o);
      const inner: Record<string, string> = { response_range: 'range', response_put: 'put', response_delete_range: 'deleteRange', response_txn: 'txn' };
      if (!k || !inner[k]) fail(p, 'one of response_range, response_put, response_delete_range, response_txn', x);
      checkResponse(inner[k]!, o[k], `${p}.${k}`);
    });
  }
}

function checkError(v: unknown, path: string): void {
  const e = obj(v, path);
  str(e.message, `${path}.message`);
  optional(e, 'code', str, path);
}

function checkOperation(v: unknown, path: string, ids: Set<number>): void {
  const o = obj(v, path);
  const id = int(o.id, `${path}.id`);
  if (ids.has(id)) fail(`${path}.id`, 'an id not used before', id);
  ids.add(id);
  str(o.clientId, `${path}.clientId`);
  const callMs = num(o.callMs, `${path}.callMs`);
  const op = obj(o.op, `${path}.op`);
  const type = op.type as string;
  if (!['put', 'range', 'deleteRange', 'txn'].includes(type)) fail(`${path}.op.type`, 'put, range, deleteRange or txn', op.type);
  const req = obj(op.request, `${path}.op.request`);
  if (type === 'txn') checkTxnRequest(req, `${path}.op.request`);
  else str(req.key, `${path}.op.request.key`);
  const out = obj(o.outcome, `${path}.outcome`);
  const status = out.status;
  if (status === 'indeterminate') {
    if (o.returnMs !== null) fail(`${path}.returnMs`, 'null for an indeterminate operation', o.returnMs);
    optional(o, 'gaveUpMs', num, path);
    if (out.error !== undefined) checkError(out.error, `${path}.outcome.error`);
    return;
  }
  const returnMs = num(o.returnMs, `${path}.returnMs`);
  if (returnMs < callMs) fail(`${path}.returnMs`, `a time not before callMs (${callMs})`, returnMs);
  if (status === 'ok') checkResponse(type, out.response, `${path}.outcome.response`);
  else if (status === 'failed') checkError(out.error, `${path}.outcome.error`);
  else fail(`${path}.outcome.status`, 'ok, failed or indeterminate', status);
}

function checkWatch(v: unknown, path: string, ids: Set<string>): void {
  const w = obj(v, path);
  const id = str(w.watcherId, `${path}.watcherId`);
  if (ids.has(id)) fail(`${path}.watcherId`, 'an id not used before', id);
  ids.add(id);
  str(w.clientId, `${path}.clientId`);
  num(w.createdMs, `${path}.createdMs`);
  if (w.closedMs !== null) num(w.closedMs, `${path}.closedMs`);
  optional(w, 'resumes', str, path);
  str(obj(w.request, `${path}.request`).key, `${path}.request.key`);
  arr(w.responses, `${path}.responses`).forEach((x, i) => {
    const p = `${path}.responses[${i}]`;
    const d = obj(x, p);
    num(d.timeMs, `${p}.timeMs`);
    const r = obj(d.response, `${p}.response`);
    checkHeader(r.header, `${p}.response.header`);
    int(r.watch_id, `${p}.response.watch_id`);
    for (const f of ['created', 'canceled', 'fragment']) bool(r[f], `${p}.response.${f}`);
    int(r.compact_revision, `${p}.response.compact_revision`);
    arr(r.events, `${p}.response.events`).forEach((e, j) => {
      const ep = `${p}.response.events[${j}]`;
      const eo = obj(e, ep);
      if (eo.type !== 'PUT' && eo.type !== 'DELETE') fail(`${ep}.type`, 'PUT or DELETE', eo.type);
      checkKv(eo.kv, `${ep}.kv`);
      if (eo.prev_kv !== undefined) checkKv(eo.prev_kv, `${ep}.prev_kv`);
    });
  });
  if (w.resumes === id) fail(`${path}.resumes`, 'another watcher', w.resumes);
}

/**
 * Reads a history file (its JSON text or the parsed value). Throws an Error naming the first
 * problem (`history file: operations[3].outcome.response.header.revision: expected an integer,
 * got "7"`) and returns nothing partial.
 */
export function importHistory(input: string | unknown): History {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch (e) {
      throw new Error(`history file: not valid JSON (${(e as Error).message})`);
    }
  }
  const root = obj(data, '(root)');
  if (root.format !== HISTORY_FORMAT) fail('format', JSON.stringify(HISTORY_FORMAT), root.format);
  if (root.version !== HISTORY_VERSION) fail('version', `${HISTORY_VERSION} (this reader knows no other version)`, root.version);
  if (root.bytes !== 'base64') fail('bytes', '"base64"', root.bytes);
  const operations = arr(root.operations, 'operations');
  const watches = arr(root.watches, 'watches');
  const decode = (s: string, p: string): string => {
    try {
      return decodeBytes(s, p);
    } catch (e) {
      throw new Error(`history file: ${(e as Error).message}`);
    }
  };
  const decodedOps = mapBytes(operations, decode, 'operations') as unknown[];
  const decodedWatches = mapBytes(watches, decode, 'watches') as unknown[];
  const opIds = new Set<number>();
  decodedOps.forEach((o, i) => checkOperation(o, `operations[${i}]`, opIds));
  const watchIds = new Set<string>();
  decodedWatches.forEach((w, i) => checkWatch(w, `watches[${i}]`, watchIds));
  decodedWatches.forEach((w, i) => {
    const r = (w as Obj).resumes;
    if (typeof r === 'string' && !watchIds.has(r)) fail(`watches[${i}].resumes`, 'the id of a watcher in this file', r);
  });
  return { operations: decodedOps as HistoryOperation[], watches: decodedWatches as WatchRecord[] };
}

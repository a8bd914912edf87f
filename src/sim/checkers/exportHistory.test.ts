import { describe, expect, it } from 'vitest';
import { exportHistory, exportHistoryJson, importHistory } from './exportHistory.ts';
import { simulateHistory } from './simulatedHistory.ts';
import type { History } from './types.ts';

const binary: History = {
  operations: [
    { id: 0, clientId: 'c1', callMs: 0, returnMs: 5, op: { type: 'put', request: { key: '\x00\xff\n', value: 'é\x80' } }, outcome: { status: 'ok', response: { header: { revision: 2 } } } },
    { id: 1, clientId: 'c1', callMs: 6, returnMs: null, op: { type: 'txn', request: { compare: [{ key: '\x00\xff\n', target: 'VALUE', result: 'EQUAL', value: '\x01' }], success: [{ request_delete_range: { key: 'a', range_end: '\x00' } }] } }, outcome: { status: 'indeterminate' } },
  ],
  watches: [
    {
      watcherId: 'w0',
      clientId: 'c2',
      request: { key: '\x00', range_end: '\x00' },
      createdMs: 0,
      closedMs: null,
      responses: [{ timeMs: 5, response: { header: { revision: 2 }, watch_id: 1, created: false, canceled: false, compact_revision: 0, cancel_reason: '', fragment: false, events: [{ type: 'PUT', kv: { key: '\x00\xff\n', value: 'é\x80', create_revision: 2, mod_revision: 2, version: 1, lease: '0' } }] } }],
    },
  ],
};

describe('history files', () => {
  it('round-trips bytes exactly, through JSON', () => {
    expect(importHistory(exportHistoryJson(binary))).toEqual(binary);
    const { history } = simulateHistory({ seed: 3, clients: 4, operations: 60, keys: 3, indeterminateRate: 0.1, failureRate: 0.05, watchers: 3 });
    expect(importHistory(JSON.parse(JSON.stringify(exportHistory(history))))).toEqual(history);
  });

  it('writes byte fields as base64 and nothing else', () => {
    const file = exportHistory(binary);
    const op0 = file.operations[0] as { op: { request: { key: string; value: string } }; clientId: string };
    expect(op0.op.request.key).toBe(btoa('\x00\xff\n'));
    expect(op0.clientId).toBe('c1');
    expect(file).toMatchObject({ format: 'etcd-playground-history', version: 1, bytes: 'base64' });
  });

  it('refuses to export a string that is not bytes', () => {
    const bad = structuredClone(binary);
    (bad.operations[0]!.op.request as { key: string }).key = 'ok\u0100';
    expect(() => exportHistory(bad)).toThrow(/operations\[0\]\.op\.request\.key: not a byte string/);
  });

  it('rejects malformed files with an error naming the problem', () => {
    const good = () => JSON.parse(exportHistoryJson(binary));
    expect(() => importHistory('{not json')).toThrow(/not valid JSON/);
    expect(() => importHistory({ ...good(), format: 'other' })).toThrow(/format: expected "etcd-playground-history"/);
    expect(() => importHistory({ ...good(), version: 2 })).toThrow(/version: expected 1/);
    const badRev = good();
    badRev.operations[0].outcome.response.header.revision = '2';
    expect(() => importHistory(badRev)).toThrow(/operations\[0\]\.outcome\.response\.header\.revision: expected an integer, got "2"/);
    const badB64 = good();
    badB64.operations[0].op.request.key = 'not base64!';
    expect(() => importHistory(badB64)).toThrow(/operations\[0\]\.op\.request\.key: expected base64/);
    const badStatus = good();
    badStatus.operations[0].outcome.status = 'maybe';
    expect(() => importHistory(badStatus)).toThrow(/outcome\.status: expected ok, failed or indeterminate/);
    const indeterminateWithReturn = good();
    indeterminateWithReturn.operations[1].returnMs = 7;
    expect(() => importHistory(indeterminateWithReturn)).toThrow(/returnMs: expected null/);
    const dupIds = good();
    dupIds.operations[1].id = 0;
    expect(() => importHistory(dupIds)).toThrow(/operations\[1\]\.id: expected an id not used before/);
    const badEvent = good();
    badEvent.watches[0].responses[0].response.events[0].type = 'PATCH';
    expect(() => importHistory(badEvent)).toThrow(/events\[0\]\.type: expected PUT or DELETE/);
    const badResume = good();
    badResume.watches[0].resumes = 'w9';
    expect(() => importHistory(badResume)).toThrow(/resumes: expected the id of a watcher/);
    expect(() => importHistory({ ...good(), operations: {} })).toThrow(/operations: expected an array/);
  });
});

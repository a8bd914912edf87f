import { describe, expect, it } from 'vitest';
import { HistoryRecorder, classifyError } from './history.ts';
import { checkLinearizability } from './linearizability.ts';

describe('history recorder', () => {
  it('records ok, failed and indeterminate operations with their times', () => {
    const rec = new HistoryRecorder();
    const a = rec.invoke('c1', { type: 'put', request: { key: 'k', value: 'v' } }, 10);
    const b = rec.invoke('c2', { type: 'txn', request: { success: [{ request_put: { key: 'x' } }, { request_put: { key: 'x' } }] } }, 11);
    const c = rec.invoke('c3', { type: 'put', request: { key: 'k', value: 'w' } }, 12);
    a.ok({ header: { revision: 2 } }, 20);
    expect(b.settle({ code: 'InvalidArgument', message: 'etcdserver: duplicate key given in txn request' }, 13)).toBe('failed');
    expect(c.settle({ message: 'etcdserver: request timed out' }, 40)).toBe('indeterminate');
    const h = rec.history();
    expect(h.operations.map((o) => [o.clientId, o.callMs, o.returnMs, o.outcome.status, o.gaveUpMs])).toEqual([
      ['c1', 10, 20, 'ok', undefined],
      ['c2', 11, 13, 'failed', undefined],
      ['c3', 12, null, 'indeterminate', 40],
    ]);
    expect(checkLinearizability(h.operations).result).toBe('ok');
  });

  it('operations still pending at the end are indeterminate', () => {
    const rec = new HistoryRecorder();
    rec.invoke('c1', { type: 'put', request: { key: 'k' } }, 1);
    expect(rec.history().operations[0]!.outcome.status).toBe('indeterminate');
  });

  it('rejects settling twice or before the call', () => {
    const rec = new HistoryRecorder();
    const a = rec.invoke('c1', { type: 'range', request: { key: 'k' } }, 10);
    expect(() => a.ok({ header: { revision: 1 }, kvs: [], more: false, count: 0 }, 5)).toThrow(/before its call/);
    a.ok({ header: { revision: 1 }, kvs: [], more: false, count: 0 }, 15);
    expect(() => a.indeterminate(20)).toThrow(/settled twice/);
    expect(() => rec.invoke('c1', { type: 'range', request: { key: 'k' } }, NaN)).toThrow(/finite/);
  });

  it('copies what it records, so later mutation by the caller changes nothing', () => {
    const rec = new HistoryRecorder();
    const request = { key: 'k', value: 'v' };
    const h = rec.invoke('c1', { type: 'put', request }, 1);
    const response = { header: { revision: 2 } };
    h.ok(response, 2);
    request.value = 'changed';
    response.header.revision = 99;
    const op = rec.history().operations[0]!;
    expect(op.op.request).toEqual({ key: 'k', value: 'v' });
    expect(op.outcome).toEqual({ status: 'ok', response: { header: { revision: 2 } } });
  });

  it('records watch streams, closes and resumes', () => {
    const rec = new HistoryRecorder();
    const w = rec.watch('c1', { key: 'a' }, 1);
    w.receive({ header: { revision: 1 }, watch_id: 1, created: true, canceled: false, compact_revision: 0, cancel_reason: '', fragment: false, events: [] }, 2);
    w.close(3);
    expect(() => w.receive({ header: { revision: 1 }, watch_id: 1, created: false, canceled: false, compact_revision: 0, cancel_reason: '', fragment: false, events: [] }, 4)).toThrow(/after it was closed/);
    rec.watch('c1', { key: 'a', start_revision: 2 }, 5, { resumes: w.watcherId });
    expect(() => rec.watch('c1', { key: 'a' }, 5, { resumes: 'nope' })).toThrow(/unknown watcher/);
    const ws = rec.history().watches;
    expect(ws.map((x) => [x.watcherId, x.closedMs, x.responses.length, x.resumes])).toEqual([
      ['w0', 3, 1, undefined],
      ['w1', null, 0, 'w0'],
    ]);
  });

  it('classifies only known no-effect errors as failed', () => {
    expect(classifyError({ message: 'etcdserver: requested lease not found' })).toBe('failed');
    expect(classifyError({ message: 'etcdserver: leader changed' })).toBe('indeterminate');
    expect(classifyError({ message: 'something new' })).toBe('indeterminate');
  });
});

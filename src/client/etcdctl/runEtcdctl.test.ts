import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { helpText, knownCommandPaths, runEtcdctl } from './runEtcdctl.ts';
import { MemoryEtcdClient } from '../testing/memoryClient.ts';

function env(client = new MemoryEtcdClient()) {
  return { client, files: new Map<string, string>() };
}

describe('runEtcdctl over an in-memory client', () => {
  it('puts and gets in every output format', async () => {
    const e = env();
    expect(await runEtcdctl('etcdctl put foo bar', e)).toEqual({ stdout: 'OK\n', stderr: '', exitCode: 0 });
    expect(await runEtcdctl('get foo', e)).toEqual({ stdout: 'foo\nbar\n', stderr: '', exitCode: 0 });
    const json = await runEtcdctl('get foo -w json', e);
    expect(JSON.parse(json.stdout).kvs[0]).toEqual({ key: 'Zm9v', create_revision: 2, mod_revision: 2, version: 1, value: 'YmFy' });
    // 64-bit IDs print as exact decimal numbers, beyond what a JS number holds.
    expect(json.stdout).toContain(`"cluster_id":${BigInt('0x' + e.client.clusterId).toString()}`);
    const fields = await runEtcdctl('get foo -w fields', e);
    expect(fields.stdout).toContain('"Key" : "foo"\n"CreateRevision" : 2\n');
    expect(await runEtcdctl('get foo -w table', e)).toEqual({ stdout: '', stderr: 'Error: table not supported as output format\n', exitCode: 4 });
  });

  it('reads a missing put value from stdin, as etcdctl does', async () => {
    const e = env();
    expect((await runEtcdctl('put k', { ...e, stdin: 'from stdin' })).exitCode).toBe(0);
    expect((await runEtcdctl('get k --print-value-only', e)).stdout).toBe('from stdin\n');
    expect(await runEtcdctl('put k', e)).toMatchObject({
      stderr: 'Error: put command needs 1 argument and input from stdin or 2 arguments\n',
      exitCode: 128,
    });
  });

  it('runs a txn from stdin and prints the prompts in interactive mode', async () => {
    const e = env();
    await runEtcdctl('put a 1', e);
    const r = await runEtcdctl('txn -i', { ...e, stdin: 'value("a") = "1"\n\nput a 2\n\nput a 3\n\n' });
    expect(r.stdout).toBe('compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n\nOK\n');
    expect((await runEtcdctl('get a --print-value-only', e)).stdout).toBe('2\n');
  });

  it('prints help exactly as recorded, for `help x` and `x --help` alike', async () => {
    const e = env();
    const a = await runEtcdctl('help get', e);
    const b = await runEtcdctl('get --help', e);
    expect(a).toEqual(b);
    expect(a.stdout).toBe(helpText('get'));
    expect(a.stdout).toMatch(/^NAME:\n\tget - Gets the key or a range of keys\n/);
    expect((await runEtcdctl('lease', e)).stdout).toBe(helpText('lease'));
  });

  it('reports unknown commands and flags with etcdctl text and exit status', async () => {
    const e = env();
    expect(await runEtcdctl('bogus', e)).toEqual({
      stdout: '',
      stderr: 'Error: unknown command "bogus" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "bogus" for "etcdctl"\n',
      exitCode: 1,
    });
    const f = await runEtcdctl('get foo --bogus', e);
    expect(f.stdout).toBe(helpText('get'));
    expect(f.stderr).toBe('Error: unknown flag: --bogus\n\nError: unknown flag: --bogus\n');
    expect(f.exitCode).toBe(1);
  });

  it('streams watch events through onStream until interrupted (exit 130)', async () => {
    const client = new MemoryEtcdClient();
    const chunks: string[] = [];
    const ac = new AbortController();
    const running = runEtcdctl('watch w --prefix --prev-kv', {
      client,
      signal: ac.signal,
      onStream: (c) => c.stdout && chunks.push(c.stdout),
    });
    await new Promise((r) => setTimeout(r, 10));
    await client.put({ key: 'w1', value: 'a' });
    await client.put({ key: 'w1', value: 'b' });
    await client.deleteRange({ key: 'w1' });
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    const r = await running;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toBe('PUT\nw1\na\nPUT\nw1\na\nw1\nb\nDELETE\nw1\nb\nw1\n\n');
    expect(chunks.join('')).toBe(r.stdout);
  });

  it('keeps a lease alive until interrupted, then reports when it is gone', async () => {
    const client = new MemoryEtcdClient();
    const g = await client.leaseGrant({ TTL: 3 });
    const ac = new AbortController();
    const running = runEtcdctl(['lease', 'keep-alive', g.ID], { client, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    const r = await running;
    expect(r.exitCode).toBe(130);
    expect(r.stdout).toBe(`lease ${g.ID.padStart(16, '0')} keepalived with TTL(3)\n`);
    await client.leaseRevoke(g.ID);
    const gone = await runEtcdctl(['lease', 'keep-alive', g.ID], { client });
    expect(gone).toEqual({ stdout: `lease ${g.ID.padStart(16, '0')} expired or revoked.\n`, stderr: '', exitCode: 0 });
  });

  it('saves snapshots into the file map and reads them through the status hook', async () => {
    const e = { ...env(), snapshotStatus: (blob: string) => ({ hash: 0xafd85c67, revision: JSON.parse(blob).rev, totalKey: 3, totalSize: 20480 }) };
    await runEtcdctl('put a 1', e);
    expect((await runEtcdctl('snapshot save /tmp/s.db', e)).stdout).toBe('Snapshot saved at /tmp/s.db\n');
    expect(e.files.has('/tmp/s.db')).toBe(true);
    expect((await runEtcdctl('snapshot status /tmp/s.db', e)).stdout).toBe('afd85c67, 2, 3, 20 kB\n');
    expect((await runEtcdctl('snapshot status /tmp/s.db -w table', e)).stdout).toContain('| afd85c67 |        2 |          3 |      20 kB |');
    expect(await runEtcdctl('snapshot status /nope', e)).toMatchObject({ stderr: 'Error: stat /nope: no such file or directory\n', exitCode: 1 });
  });

  it('hands snapshot restore to the runtime hook', async () => {
    const seen: string[] = [];
    const e = {
      ...env(),
      snapshotRestore: async (req: { name: string; dataDir: string }) => {
        seen.push(`${req.name}@${req.dataDir}`);
        return 'restored\n';
      },
    };
    e.files.set('s.db', 'blob');
    expect((await runEtcdctl('snapshot restore s.db --name m4 --data-dir /m4', e)).stdout).toBe('restored\n');
    expect(seen).toEqual(['m4@/m4']);
  });

  it('uses the client factory for an explicit --endpoints list', async () => {
    const made: string[][] = [];
    const r = await runEtcdctl('--endpoints=a:1,b:2 endpoint status', {
      clientFactory: (eps) => {
        made.push(eps);
        return new MemoryEtcdClient(eps);
      },
    });
    expect(made).toEqual([['a:1', 'b:2']]);
    const [first, second] = r.stdout.split('\n');
    expect(first).toMatch(/^a:1, 8e9e05c52164694d, 3\.4\.23, 20 kB, true, false, 2, \d+, \d+, $/);
    expect(second).toMatch(/^b:2, /);
  });
});

const vocabulary = [
  'put', 'get', 'del', 'txn', 'watch', 'compaction', 'lease', 'grant', 'revoke', 'timetolive', 'list', 'keep-alive',
  'member', 'add', 'remove', 'promote', 'endpoint', 'status', 'health', 'hashkv', 'move-leader', 'alarm', 'disarm',
  'defrag', 'snapshot', 'save', 'restore', 'version', 'help', 'auth', 'user', '--prefix', '--from-key', '--rev=2',
  '--rev', '--limit=1', '-w', 'json', 'fields', 'table', 'simple', 'protobuf', '--write-out=json', '--hex', '--keys-only',
  '--print-value-only', '--prev-kv', '--lease=1', '--once', '--keys', '--cluster', '--learner', '--peer-urls=http://a:1',
  '--', '-', '-i', '--bogus', 'foo', 'a', '0', '-5', '1000', "'quoted arg'", '"dq"', '\\x', '=', '--command-timeout=1s',
];

describe('robustness', () => {
  // On failure fast-check prints the seed and path; replay with fc.assert(..., { seed, path }).
  it('never throws out of runEtcdctl, whatever line is typed', async () => {
    // Free text, and command lines built from a command path plus words and flags etcdctl uses.
    const line = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .tuple(
          fc.constantFrom(...knownCommandPaths),
          fc.array(fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 6 })), { maxLength: 6 }),
        )
        .map(([cmd, words]) => [cmd, ...words].join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(line, fc.string({ maxLength: 40 }), async (text, stdin) => {
        const ac = new AbortController();
        ac.abort();
        const r = await runEtcdctl(text, { client: new MemoryEtcdClient(), stdin, signal: ac.signal, files: new Map() });
        expect(typeof r.stdout).toBe('string');
        expect(Number.isInteger(r.exitCode)).toBe(true);
        expect(r.stderr).not.toContain('panic: internal error');
        if (r.exitCode === 0) expect(r.stderr).not.toMatch(/^Error:/m);
      }),
      { numRuns: 400 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { LiveInputError, endpointUrl, parseEndpointList } from './liveEndpoints.ts';
import { checkCommand } from './commandSafety.ts';

describe('endpoints as typed', () => {
  it('takes host:port and http(s) URLs, separated by commas or spaces, in the form given', () => {
    expect(parseEndpointList('127.0.0.1:2379, localhost:22379  http://10.0.0.5:2379/ https://etcd.example.com:443')).toEqual([
      '127.0.0.1:2379',
      'localhost:22379',
      'http://10.0.0.5:2379',
      'https://etcd.example.com:443',
    ]);
    expect(parseEndpointList('[::1]:2379')).toEqual(['[::1]:2379']);
  });

  const bad: [string, RegExp][] = [
    ['', /enter at least one client endpoint/],
    ['  , ', /enter at least one client endpoint/],
    ['127.0.0.1', /the port is missing/],
    ['127.0.0.1:0', /port 0 is out of range/],
    ['127.0.0.1:70000', /port 70000 is out of range/],
    ['http://127.0.0.1:2379/v3/kv', /without a path \("\/v3\/kv"\)/],
    ['127.0.0.1:2379?x=1', /without a path/],
    ['ftp://127.0.0.1:2379', /only http:\/\/ and https:\/\//],
    ['bad_host:2379', /"bad_host" is not a host name/],
    ['a:1 a:1', /"a:1" is given twice/],
    ['a:1 http://a:1', /given twice/],
    [Array.from({ length: 10 }, (_, i) => `h${i}:2379`).join(','), /10 endpoints given; at most 9/],
  ];
  for (const [text, message] of bad) {
    it(`refuses ${JSON.stringify(text.slice(0, 40))}`, () => {
      expect(() => parseEndpointList(text)).toThrow(LiveInputError);
      expect(() => parseEndpointList(text)).toThrow(message);
    });
  }

  it('maps an endpoint to itself, or to the page\'s proxy path', () => {
    expect(endpointUrl('127.0.0.1:2379', 'direct')).toBe('http://127.0.0.1:2379');
    expect(endpointUrl('https://e:443', 'direct')).toBe('https://e:443');
    expect(endpointUrl('127.0.0.1:2379', 'proxy', 'http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173/etcd-proxy/127.0.0.1:2379');
    expect(() => endpointUrl('https://e:443', 'proxy', 'http://p')).toThrow(/plain http only/);
  });
});

describe('which commands change a real cluster', () => {
  it('reads, writes, and destructive commands with what they do', () => {
    for (const line of ['get foo', 'get --prefix ""', 'watch foo', 'member list -w table', 'endpoint status --cluster', 'endpoint health', 'lease list', 'alarm list', 'version', '--endpoints=a:1 get x', 'help put']) {
      expect(checkCommand(line).safety, line).toBe('read');
    }
    for (const line of ['put foo bar', 'etcdctl put foo bar', '--endpoints a:1 put x y', 'lease grant 10', 'lease keep-alive 1234']) {
      expect(checkCommand(line).safety, line).toBe('write');
    }
    for (const line of ['del foo', 'del --prefix /', 'txn -i', 'compaction 10', 'defrag', 'member remove 8e9e05c52164694d', 'member add m4 --peer-urls=http://x:2380', 'move-leader 1', 'alarm disarm', 'lease revoke 1']) {
      const c = checkCommand(line);
      expect(c.safety, line).toBe('destructive');
      expect(c.effect).toBeTruthy();
    }
    expect(checkCommand('get put').path).toBe('get');
  });
});

describe('the live address', async () => {
  const { parseLiveQuery, isLiveQuery } = await import('./liveQuery.ts');
  it('opens live mode, with endpoints, a way to reach them, a poll interval and a user', () => {
    expect(isLiveQuery('?live')).toBe(true);
    expect(isLiveQuery('?members=3')).toBe(false);
    expect(parseLiveQuery('?live=127.0.0.1:2379,127.0.0.1:22379&via=proxy&poll=2&user=alice')).toEqual({ endpoints: ['127.0.0.1:2379', '127.0.0.1:22379'], via: 'proxy', pollMs: 2000, user: 'alice', problems: [] });
    expect(parseLiveQuery('?live')).toEqual({ via: 'direct', problems: [] });
  });
  it('says what it did not take, and never takes a password', () => {
    const q = parseLiveQuery('?live=127.0.0.1&via=carrier-pigeon&poll=0&password=hunter2');
    expect(q.endpoints).toBeUndefined();
    expect(q.problems).toEqual([
      "the address's endpoints were not used: \"127.0.0.1\": the port is missing (etcd's client port is usually 2379)",
      'via=carrier-pigeon is not a way to reach etcd (use via=direct or via=proxy)',
      'poll=0 is not a polling interval (0.25 to 60 seconds)',
      'a password or token in the address is never used: type the password in the form (it is kept in memory only)',
    ]);
  });
});

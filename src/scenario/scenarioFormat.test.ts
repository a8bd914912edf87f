import { describe, expect, it } from 'vitest';
import { Playground } from '../runtime/playground.ts';
import { everyActionScript } from '../runtime/playgroundScripts.ts';
import { makeScenario, parseScenario, scenarioChecksum, ScenarioError, serializeScenario, type Scenario } from './scenarioFormat.ts';
import { readShareFragment, shareFragment } from './shareLink.ts';
import { deflateSync, strToU8 } from 'fflate';

let cached: Scenario | null = null;
async function recorded(): Promise<Scenario> {
  if (cached) return cached;
  const pg = Playground.inProcess({ settings: { members: 3, seed: 11 }, paused: true });
  await pg.ready();
  await everyActionScript(pg);
  cached = makeScenario(await pg.capture(), { title: 'every action' });
  await pg.close();
  return cached;
}

/** The file's object with a change, its checksum made right again (so the change itself is what is refused). */
function edited(s: Scenario, change: (o: Record<string, unknown>) => void, fixChecksum = true): string {
  const o = JSON.parse(serializeScenario(s)) as Record<string, unknown>;
  change(o);
  if (fixChecksum) o.checksum = scenarioChecksum(o as unknown as Scenario);
  return JSON.stringify(o);
}

describe('the scenario file', () => {
  it('round-trips: what is written parses back to the same scenario', async () => {
    const s = await recorded();
    const back = parseScenario(serializeScenario(s));
    expect(back).toEqual(s);
    expect(back.actions.length).toBeGreaterThan(20);
  });

  const malformed: [string, (s: Scenario) => string, RegExp][] = [
    ['text that is not JSON', () => 'hello', /not valid JSON/],
    ['a file cut short', (s) => serializeScenario(s).slice(0, 200), /not valid JSON.*cut short/],
    ['an empty file', () => '   ', /empty/],
    ['a JSON array', () => '[1,2]', /expected a JSON object, got an array/],
    ['another format', (s) => edited(s, (o) => (o.format = 'something-else')), /"format" must be "etcd-playground-scenario"/],
    ['a client history file', () => JSON.stringify({ format: 'etcd-playground-history', version: 1, ops: [] }), /client history file/],
    ['no version', (s) => edited(s, (o) => delete o.version), /no "version"/],
    ['a newer version', (s) => edited(s, (o) => (o.version = 2)), /version 2, newer than this playground reads/],
    ['a file over 5 MB', () => ' '.repeat(5 * 1024 * 1024 + 1), /at most 5 MB/],
    ['settings out of range', (s) => edited(s, (o) => ((o.settings as Record<string, unknown>).members = 40)), /settings are not valid: settings.members must be a whole number in \[1, 9\]/],
    ['an unknown setting', (s) => edited(s, (o) => ((o.settings as Record<string, unknown>).turbo = true)), /unknown setting turbo/],
    ['actions not a list', (s) => edited(s, (o) => (o.actions = {})), /"actions" must be a list/],
    ['an unknown action', (s) => edited(s, (o) => ((o.actions as Record<string, unknown>[])[0]!.type = 'explode')), /actions\[0\].type "explode" is not an action this version knows/],
    ['a negative time', (s) => edited(s, (o) => ((o.actions as Record<string, unknown>[])[1]!.atMs = -5)), /actions\[1\] .*atMs must be a whole number/],
    ['a fractional time', (s) => edited(s, (o) => ((o.actions as Record<string, unknown>[])[1]!.atMs = 1.5)), /actions\[1\] .*atMs must be a whole number/],
    ['a first action marked pending', (s) => edited(s, (o) => ((o.actions as Record<string, unknown>[])[0]!.pending = true)), /actions\[0\] is marked pending, but there is no action before it/],
    ['actions out of order', (s) => edited(s, (o) => (o.actions as unknown[]).reverse()), /comes before actions\[\d+\].*in the order they happened/],
    ['a member name of the wrong type', (s) => edited(s, (o) => ((o.actions as Record<string, unknown>[]).find((a) => a.type === 'crash')!.member = 7)), /\(crash\)\.member must be a member name/],
    ['a missing field', (s) => edited(s, (o) => delete (o.actions as Record<string, unknown>[]).find((a) => a.type === 'cut')!.oneWay), /\(cut\) is missing its field oneWay/],
    ['an unknown client operation', (s) => edited(s, (o) => (((o.actions as Record<string, unknown>[]).find((a) => a.type === 'request')!.request as Record<string, unknown>).op = 'rm -rf')), /op "rm -rf" is not a client operation/],
    ['a key that is not a string', (s) => edited(s, (o) => ((((o.actions as Record<string, unknown>[]).find((a) => a.type === 'request' && (a.request as { op: string }).op === 'put')!.request as Record<string, unknown>).req as Record<string, unknown>).key = 5)), /req\.key must be a string/],
    ['a bad link setting', (s) => edited(s, (o) => (((o.actions as Record<string, unknown>[]).find((a) => a.type === 'setLink')!.link as Record<string, unknown>).lossRate = 3)), /lossRate has a bad value 3/],
    ['an extra field', (s) => edited(s, (o) => ((o.actions as Record<string, unknown>[])[0]!.surprise = 1)), /unknown field "surprise"/],
    ['an end before the last action', (s) => edited(s, (o) => (o.endMs = 1)), /ends at 1 ms, before its last action/],
    ['a bad trace hash', (s) => edited(s, (o) => (o.traceHash = 'not hex!')), /"traceHash" must be a hex string/],
    ['a bad snapshot', (s) => edited(s, (o) => (o.snapshot = '%%%')), /"snapshot" must be a base64 snapshot image/],
    ['no checksum', (s) => edited(s, (o) => delete o.checksum, false), /no "checksum"/],
    ['an edited file (checksum no longer matches)', (s) => edited(s, (o) => (o.endMs = (o.endMs as number) + 1000), false), /checksum does not match its content.*changed after it was exported/],
    ['a malformed checksum', (s) => edited(s, (o) => (o.checksum = 'md5:abc'), false), /must look like crc32:0123abcd/],
  ];
  for (const [name, make, error] of malformed) {
    it(`refuses ${name} with a clear error`, async () => {
      const s = await recorded();
      let thrown: unknown;
      try {
        parseScenario(make(s));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ScenarioError);
      expect((thrown as Error).message).toMatch(error);
    });
  }
});

describe('the share link', () => {
  it('carries the scenario and the stop time through the fragment', async () => {
    const s = await recorded();
    const frag = shareFragment(s, 4000);
    expect(frag).toMatch(/^#scenario=[A-Za-z0-9_-]+&at=4000$/);
    // Compressed: far shorter than the file.
    expect(frag.length).toBeLessThan(serializeScenario(s).length / 2);
    const back = readShareFragment(frag)!;
    expect(back.scenario).toEqual(s);
    expect(back.atMs).toBe(4000);
    expect(readShareFragment('#members=3')).toBeNull();
  });

  const bad: [string, (frag: string) => string, RegExp][] = [
    ['an empty scenario', () => '#scenario=', /empty/],
    ['characters that are not base64url', () => '#scenario=ab$cd', /not base64url/],
    ['a link cut short', (f) => f.slice(0, Math.floor(f.length / 2)), /not compressed data the playground wrote.*cut short/],
    ['data that is not deflate', () => '#scenario=aGVsbG8gd29ybGQ', /not compressed data the playground wrote/],
    ['a deflated non-scenario', () => `#scenario=${Buffer.from(deflateSync(strToU8('{"a":1}'))).toString('base64url')}`, /"format" must be/],
    ['a huge inflation', () => `#scenario=${Buffer.from(deflateSync(new Uint8Array(6 * 1024 * 1024))).toString('base64url')}`, /inflates to more than 5 MB/],
    ['a stop time that is not a number', (f) => `${f.split('&')[0]}&at=soon`, /"at" must be a whole number/],
    ['a stop time after the end', (f) => `${f.split('&')[0]}&at=999999999`, /after the scenario's end/],
  ];
  for (const [name, make, error] of bad) {
    it(`refuses ${name}`, async () => {
      const frag = shareFragment(await recorded(), 1000);
      expect(() => readShareFragment(make(frag))).toThrow(error);
    });
  }
});

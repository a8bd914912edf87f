import { describe, expect, it } from 'vitest';
import { goDuration, goJson, goQuote, hexIdPadded, hexLease, humanizeBytes, intDecimal, RawJsonNumber, uintDecimal } from './goFormat.ts';
import { bytesFromUtf8 } from '../../server/api.ts';

describe('Go formatting', () => {
  it('quotes byte strings like strconv.Quote', () => {
    expect(goQuote('foo')).toBe('"foo"');
    expect(goQuote('a"b\\c\n\t\x00\x7f')).toBe('"a\\"b\\\\c\\n\\t\\x00\\x7f"');
    expect(goQuote(bytesFromUtf8('héllo ✓'))).toBe(bytesFromUtf8('"héllo ✓"'));
    expect(goQuote('\xff\xfe')).toBe('"\\xff\\xfe"');
    expect(goQuote(bytesFromUtf8('\u200b'))).toBe('"\\u200b"');
  });
  it('formats IDs as etcdctl does (%x, %016x, %16x, uint64 and int64 decimals)', () => {
    expect(hexLease('1234')).toBe('0000000000001234');
    expect(hexIdPadded('48276a8f75b6a87')).toBe(' 48276a8f75b6a87');
    expect(uintDecimal('ffffffffffffffff')).toBe('18446744073709551615');
    expect(intDecimal('ffffffffffffffff')).toBe('-1');
  });
  it('humanizes sizes with SI units and Go rounding', () => {
    expect(humanizeBytes(5)).toBe('5 B');
    expect(humanizeBytes(20480)).toBe('20 kB');
    expect(humanizeBytes(20500)).toBe('20 kB');
    expect(humanizeBytes(25500)).toBe('26 kB');
    expect(humanizeBytes(1_234_567)).toBe('1.2 MB');
  });
  it('prints durations like time.Duration.String', () => {
    expect(goDuration(1_026_995)).toBe('1.026995ms');
    expect(goDuration(999)).toBe('999ns');
    expect(goDuration(1_500)).toBe('1.5µs');
    expect(goDuration(2_000_000_000)).toBe('2s');
    expect(goDuration(61_500_000_000)).toBe('1m1.5s');
  });
  it('encodes JSON like encoding/json (HTML-safe, exact big numbers)', () => {
    expect(goJson({ a: new RawJsonNumber('18446744073709551615'), b: '<&>', c: [1, true, null] })).toBe(
      '{"a":18446744073709551615,"b":"\\u003c\\u0026\\u003e","c":[1,true,null]}',
    );
  });
});

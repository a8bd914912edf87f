import { describe, expect, it } from 'vitest';
import { flagSpecsFor, FlagError, goParseDuration, goParseInt, parseFlags } from './flags.ts';

const get = flagSpecsFor('get');
const parse = (argv: string[]) => parseFlags(argv, get);
const error = (argv: string[]) => {
  try {
    parse(argv);
  } catch (e) {
    if (e instanceof FlagError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('flag definitions read from the help screens', () => {
  it('know types and defaults of get and the global flags', () => {
    const byName = new Map(get.map((s) => [s.name, s]));
    expect(byName.get('prefix')).toMatchObject({ type: 'bool', defValue: 'false' });
    expect(byName.get('rev')).toMatchObject({ type: 'int', defValue: '0' });
    expect(byName.get('consistency')).toMatchObject({ type: 'string', defValue: 'l' });
    expect(byName.get('write-out')).toMatchObject({ type: 'string', shorthand: 'w', defValue: 'simple' });
    expect(byName.get('endpoints')).toMatchObject({ type: 'stringSlice', defValue: '127.0.0.1:2379' });
    expect(byName.get('command-timeout')).toMatchObject({ type: 'duration', defValue: '5s' });
    expect(byName.has('count-only')).toBe(false);
  });
});

describe('parseFlags (pflag syntax)', () => {
  it('accepts --name=value, --name value, -w value, -wvalue and interspersed positionals', () => {
    const f = parse(['foo', '--rev=5', 'bar', '--limit', '3', '-w', 'json', '--prefix']);
    expect(f.args).toEqual(['foo', 'bar']);
    expect(f.values.get('rev')).toBe(5);
    expect(f.values.get('limit')).toBe(3);
    expect(f.values.get('write-out')).toBe('json');
    expect(f.values.get('prefix')).toBe(true);
    expect(parse(['-wfields']).values.get('write-out')).toBe('fields');
    expect(parse(['-w=table']).values.get('write-out')).toBe('table');
  });
  it('takes boolean values only after =, so "--prefix true" leaves true as an argument', () => {
    expect(parse(['--prefix=false', 'k']).values.get('prefix')).toBe(false);
    expect(parse(['--prefix', 'true']).args).toEqual(['true']);
  });
  it('stops at -- and records where', () => {
    const f = parse(['a', '--', '--rev=2', '-x']);
    expect(f.args).toEqual(['a', '--rev=2', '-x']);
    expect(f.argsLenAtDash).toBe(1);
  });
  it('parses ints like strconv.ParseInt with base 0', () => {
    expect(parse(['--limit=0x10']).values.get('limit')).toBe(16);
    expect(parse(['--limit=1_000']).values.get('limit')).toBe(1000);
    expect(goParseInt('9223372036854775808')).toBe('strconv.ParseInt: parsing "9223372036854775808": value out of range');
  });
  it('words its errors exactly as pflag does', () => {
    expect(error(['--bogus'])).toBe('unknown flag: --bogus');
    expect(error(['-x'])).toBe("unknown shorthand flag: 'x' in -x");
    expect(error(['-5'])).toBe("unknown shorthand flag: '5' in -5");
    expect(error(['--rev'])).toBe('flag needs an argument: --rev');
    expect(error(['-w'])).toBe("flag needs an argument: 'w' in -w");
    expect(error(['--rev=abc'])).toBe('invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax');
    expect(error(['--prefix=maybe'])).toBe(
      'invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    );
    expect(error(['--command-timeout=abc'])).toBe(
      'invalid argument "abc" for "--command-timeout" flag: time: invalid duration "abc"',
    );
  });
  it('parses Go durations', () => {
    expect(goParseDuration('1.5s')).toBe(1500);
    expect(goParseDuration('1m30s')).toBe(90000);
    expect(goParseDuration('10')).toBe('time: missing unit in duration "10"');
  });
});

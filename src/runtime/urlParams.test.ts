import { describe, expect, it } from 'vitest';
import { parseRuntimeParams } from './urlParams.ts';

describe('runtime URL parameters', () => {
  it('reads settings, speed and paused', () => {
    expect(parseRuntimeParams('?members=5&seed=42&preVote=0&durability=relaxed&speed=max&paused=1')).toEqual({
      settings: { members: 5, seed: 42, preVote: false, durability: 'relaxed' },
      speed: 'max',
      paused: true,
    });
    expect(parseRuntimeParams('speed=0.25').speed).toBe(0.25);
    expect(parseRuntimeParams('')).toEqual({ settings: {} });
    expect(parseRuntimeParams('?embed=1&projector=0')).toEqual({ settings: {}, embed: true, projector: false });
  });

  it('refuses bad values and unknown names, naming each', () => {
    expect(() => parseRuntimeParams('?members=0')).toThrow(/members: expected a whole number in \[1, 9\], got "0"/);
    expect(() => parseRuntimeParams('?members=3.5')).toThrow(/members/);
    expect(() => parseRuntimeParams('?seed=')).toThrow(/seed/);
    expect(() => parseRuntimeParams('?speed=0.01')).toThrow(/speed/);
    expect(() => parseRuntimeParams('?checkQuorum=maybe')).toThrow(/checkQuorum: expected true or false/);
    expect(() => parseRuntimeParams('?durability=fast')).toThrow(/durability/);
    expect(() => parseRuntimeParams('?embed=yes please')).toThrow(/embed: expected true or false/);
    let msg = '';
    try {
      parseRuntimeParams('?membres=3&seed=x');
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('unknown URL parameter "membres"');
    expect(msg).toContain('seed');
  });
});

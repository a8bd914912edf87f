import { describe, expect, it } from 'vitest';
import { describeLink } from './linkText.ts';

describe('describeLink', () => {
  it('names the blocked direction of a one-way cut in words', () => {
    expect(describeLink('m1', 'm2', 'cut-ab').desc).toBe('cut one way: m1→m2 blocked (m2 no longer hears m1; m2→m1 still flows)');
    expect(describeLink('m1', 'm2', 'cut-ba').desc).toBe('cut one way: m2→m1 blocked (m1 no longer hears m2; m1→m2 still flows)');
    expect(describeLink('m1', 'm2', 'cut-both').desc).toBe('cut both ways');
    expect(describeLink('m1', 'm2', 'healthy').desc).toBe('healthy');
  });
  it('says what a click and a Shift+click do next', () => {
    expect(describeLink('m1', 'm2', 'healthy')).toMatchObject({ next: 'cut m1→m2 one way', nextShift: 'cut m2→m1 one way' });
    expect(describeLink('m1', 'm2', 'cut-ba')).toMatchObject({ next: 'cut it both ways', nextShift: 'cut it both ways' });
    expect(describeLink('m1', 'm2', 'cut-both').next).toBe('heal it');
  });
});

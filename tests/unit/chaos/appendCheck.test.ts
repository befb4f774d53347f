// The chaos campaign's append check: what the clients were told against what the log holds at the end.
import { describe, expect, it } from 'vitest';
import { checkAppends } from '../../chaos/campaign.js';

const acked = (value: string, name: string) => ({ value, acknowledgedAs: `/chaos/log/${name}` });
const unknown = (value: string) => ({ value, acknowledgedAs: undefined });

describe('checkAppends', () => {
  it('accepts every acknowledged append in place and unknown ones present or absent', () => {
    const verdict = checkAppends(
      [acked('a', 'e-0000000000'), unknown('b'), unknown('c')],
      new Map([
        ['e-0000000000', 'a'],
        ['e-0000000001', 'b'],
      ]),
    );
    expect(verdict).toEqual({ acknowledged: 1, unknown: 2, lost: [], duplicated: [], invented: [] });
  });

  it('finds an acknowledged append that is gone, or that sits under another name', () => {
    const verdict = checkAppends(
      [acked('a', 'e-0000000000'), acked('b', 'e-0000000001')],
      new Map([['e-0000000002', 'b']]),
    );
    expect(verdict.lost).toEqual(['a (acknowledged as /chaos/log/e-0000000000)', 'b (acknowledged as /chaos/log/e-0000000001)']);
  });

  it('finds an append applied twice, acknowledged or not, and a value no client sent', () => {
    const verdict = checkAppends(
      [acked('a', 'e-0000000000'), unknown('b')],
      new Map([
        ['e-0000000000', 'a'],
        ['e-0000000001', 'b'],
        ['e-0000000002', 'b'],
        ['e-0000000003', 'zzz'],
      ]),
    );
    expect(verdict.duplicated).toEqual(['b as e-0000000001, e-0000000002']);
    expect(verdict.invented).toEqual(['zzz']);
    expect(verdict.lost).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { History, planSync } from '../../../node-core/consensus/history.js';
import { txn } from './zabHarness.js';

// Leader history: snapshot at 1:2, then 1:3 1:4 1:5 2:1 2:2.
function leaderHistory(): History {
  return new History([txn(0x100000003n), txn(0x100000004n), txn(0x100000005n), txn(0x200000001n), txn(0x200000002n)], 0x100000002n, 0x100000002n);
}

describe('planSync', () => {
  it('sends an empty DIFF to a learner that is exactly where we are', () => {
    expect(planSync(leaderHistory(), 0x200000002n)).toEqual({ kind: 'diff', txns: [] });
  });

  it('sends a DIFF of what follows a zxid we hold, including at the window base', () => {
    const fromEntry = planSync(leaderHistory(), 0x100000005n);
    expect(fromEntry.kind).toBe('diff');
    expect(fromEntry.kind === 'diff' && fromEntry.txns.map((t) => t.zxid)).toEqual([0x200000001n, 0x200000002n]);
    const fromBase = planSync(leaderHistory(), 0x100000002n);
    expect(fromBase.kind === 'diff' && fromBase.txns).toHaveLength(5);
  });

  it('sends TRUNC to our last zxid to a learner ahead of us', () => {
    expect(planSync(leaderHistory(), 0x200000009n)).toEqual({ kind: 'trunc', truncateTo: 0x200000002n, txns: [] });
    expect(planSync(leaderHistory(), 0x300000001n)).toEqual({ kind: 'trunc', truncateTo: 0x200000002n, txns: [] });
  });

  it('sends TRUNC then DIFF when the learner holds a proposal of the same epoch we never had', () => {
    // Leader: 1:3 1:5 (1:4 never reached it); learner stopped at 1:4.
    const history = new History([txn(0x100000003n), txn(0x100000005n), txn(0x100000006n)], 0x100000002n, 0x100000002n);
    const plan = planSync(history, 0x100000004n);
    expect(plan.kind).toBe('trunc');
    expect(plan.kind === 'trunc' && plan.truncateTo).toBe(0x100000003n);
    expect(plan.kind === 'trunc' && plan.txns.map((t) => t.zxid)).toEqual([0x100000005n, 0x100000006n]);
  });

  it('sends a snapshot when the divergence crosses an epoch boundary', () => {
    // The learner has 1:7 (an old epoch's proposal we never had); our next entry is from epoch 2.
    expect(planSync(leaderHistory(), 0x100000007n)).toEqual({ kind: 'snap' });
  });

  it('sends a snapshot to a learner older than the window', () => {
    expect(planSync(leaderHistory(), 0x100000001n)).toEqual({ kind: 'snap' });
    expect(planSync(leaderHistory(), 0n)).toEqual({ kind: 'snap' });
  });

  it('diffs an empty learner when the window reaches back to the beginning', () => {
    const history = new History([txn(0x100000001n), txn(0x100000002n)], 0n, 0n);
    expect(planSync(history, 0n)).toEqual({ kind: 'diff', txns: [txn(0x100000001n), txn(0x100000002n)] });
  });
});

describe('History', () => {
  it('keeps only committedLogSize applied entries but never drops unapplied ones', () => {
    const history = new History([], 0n, 0n, 2);
    for (let i = 1n; i <= 5n; i++) history.append(txn(0x100000000n + i));
    expect(history.size).toBe(5);
    history.markApplied(0x100000004n);
    expect(history.all().map((t) => t.zxid)).toEqual([0x100000004n, 0x100000005n]);
    expect(history.base).toBe(0x100000003n);
    expect(planSync(history, 0x100000002n)).toEqual({ kind: 'snap' });
    expect(planSync(history, 0x100000003n).kind).toBe('diff');
  });

  it('refuses to truncate below what is applied or to append out of order', () => {
    const history = new History([txn(0x100000001n), txn(0x100000002n)], 0n, 0x100000002n);
    expect(() => history.truncateAfter(0x100000001n)).toThrow(/below the applied/);
    expect(() => history.append(txn(0x100000002n))).toThrow(/zxid order/);
  });

  it('requires the log tail to cover everything after the applied state', () => {
    expect(() => new History([txn(0x100000005n)], 0x100000004n, 0x100000002n)).toThrow();
  });
});

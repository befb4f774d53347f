// The GUI benchmark's arithmetic: child names that sort in creation order, the listing size against the GUI
// client's frame limit, the scripted scroll's positions, frame-time summaries, and the GUI options.
import { describe, expect, it } from 'vitest';
import {
  childName,
  childrenReplyBytes,
  frameIntervals,
  guiClientMaxBuffer,
  scrollTargets,
  summarizeFrames,
} from '../../bench/guiMeasures.js';
import { parseBenchArgs, UsageError, type BenchOptions } from '../../bench/options.js';

function parsed(argv: string[]): BenchOptions {
  const options = parseBenchArgs(argv);
  if (options === 'help') throw new Error('expected options');
  return options;
}

describe('childName', () => {
  it('pads every index to one width so name order is creation order', () => {
    expect(childName(0, 100_000)).toBe('n00000');
    expect(childName(99_999, 100_000)).toBe('n99999');
    expect(childName(7, 20_000)).toBe('n00007');
    const names = Array.from({ length: 1_000 }, (_, i) => childName(i, 1_000));
    expect([...names].sort()).toEqual(names);
  });

  it('names a single child without padding', () => {
    expect(childName(0, 1)).toBe('n0');
  });
});

describe('childrenReplyBytes', () => {
  it('counts the header, the vector and the stat of a getChildren2 reply', () => {
    // 16 header + 4 count + 68 stat
    expect(childrenReplyBytes(0, 6)).toBe(88);
    expect(childrenReplyBytes(2, 3)).toBe(88 + 2 * 7);
  });

  it('keeps 100,000 six-character names under the client limit, seven would not fit', () => {
    expect(childrenReplyBytes(100_000, childName(0, 100_000).length)).toBeLessThanOrEqual(guiClientMaxBuffer);
    expect(childrenReplyBytes(100_000, 7)).toBeGreaterThan(guiClientMaxBuffer);
  });
});

describe('scrollTargets', () => {
  it('jumps evenly from the top to the end of the range', () => {
    expect(scrollTargets(1000, 4)).toEqual([250, 500, 750, 1000]);
    expect(scrollTargets(1000, 3)).toEqual([333, 667, 1000]);
    expect(scrollTargets(2_600_000, 20).at(-1)).toBe(2_600_000);
  });

  it('stays at 0 for a list that does not scroll and rejects no steps', () => {
    expect(scrollTargets(-5, 2)).toEqual([0, 0]);
    expect(() => scrollTargets(100, 0)).toThrow(RangeError);
    expect(() => scrollTargets(100, 1.5)).toThrow(RangeError);
  });
});

describe('frame times', () => {
  it('takes the gaps between consecutive frames', () => {
    expect(frameIntervals([0, 16.7, 33.4, 100])).toEqual([16.7, 16.7, 66.6].map((v) => expect.closeTo(v, 9)));
    expect(frameIntervals([5])).toEqual([]);
    expect(frameIntervals([10, 5])).toEqual([0]);
  });

  it('summarizes p50, p99 and the longest frame', () => {
    const frames = [0];
    for (let i = 0; i < 99; i++) frames.push(frames.at(-1)! + 16);
    frames.push(frames.at(-1)! + 250);
    const summary = summarizeFrames(frames);
    expect(summary.frames).toBe(100);
    expect(summary.p50).toBe(16);
    expect(summary.p99).toBe(16);
    expect(summary.max).toBe(250);
  });

  it('needs two frames', () => {
    expect(() => summarizeFrames([1])).toThrow(RangeError);
  });
});

describe('GUI options', () => {
  it('runs the GUI phase by default on 100,000 children with a warm-up, quick on 20,000 without', () => {
    const full = parsed([]);
    expect(full.gui).toBe(true);
    expect(full.guiChildren).toBe(100_000);
    expect(full.guiWarmup).toBe(true);
    const quick = parsed(['--quick']);
    expect(quick.gui).toBe(true);
    expect(quick.guiChildren).toBe(20_000);
    expect(quick.guiWarmup).toBe(false);
    expect(parsed(['--quick', '--gui-children', '50000']).guiChildren).toBe(50_000);
  });

  it('skips the GUI with --no-gui or an --only list without gui', () => {
    expect(parsed(['--no-gui']).gui).toBe(false);
    expect(parsed(['--only', 'getData']).gui).toBe(false);
    const guiOnly = parsed(['--only', 'gui']);
    expect(guiOnly.gui).toBe(true);
    expect(guiOnly.workloads).toEqual([]);
    expect(parsed(['--only', 'gui', '--no-gui']).gui).toBe(false);
    expect(parsed(['--only', 'gui,setData']).workloads).toEqual(['setData']);
  });

  it('refuses more children than one listing can carry', () => {
    expect(() => parseBenchArgs(['--gui-children', '100001'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--only', 'gooey'])).toThrow(UsageError);
  });
});

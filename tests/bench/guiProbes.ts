// Timing code that runs inside the GUI's page (passed to Playwright's evaluate on a workspace element): each probe
// starts the user action itself and watches the DOM, so no browser round trip sits inside a measured interval.
// Each function is serialized into the page, so it must use nothing from outside its own body.

export interface GotoProbe {
  path: string;
  countText: string;
  timeoutMs: number;
}

/** Presses Enter in go-to-path and resolves with ms until the frame that shows the node's child count. */
export function probeGotoCount(root: Element, probe: GotoProbe): Promise<number> {
  return new Promise((resolve, reject) => {
    const input = root.querySelector('[data-testid="goto-path"] input');
    if (!(input instanceof HTMLInputElement)) {
      reject(new Error('the workspace has no go-to-path input'));
      return;
    }
    const selector = `[data-testid="tree-row"][data-path="${probe.path}"] [data-testid="child-count"]`;
    const shown = () => (root.querySelector(selector)?.textContent ?? '').includes(probe.countText);
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      observer.disconnect();
      clearTimeout(timer);
      if (error !== undefined) reject(error);
      // the callback runs just before the browser paints the frame that holds the change
      else requestAnimationFrame(() => resolve(performance.now() - started));
    };
    const observer = new MutationObserver(() => {
      if (shown()) finish();
    });
    const timer = setTimeout(() => finish(new Error(`no child count "${probe.countText}" on ${probe.path} in time`)), probe.timeoutMs);
    observer.observe(root, { subtree: true, childList: true, characterData: true });
    const started = performance.now();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true }));
    if (shown()) finish();
  });
}

export interface ExpandProbe {
  path: string;
  firstChildPath: string;
  timeoutMs: number;
}

/** Clicks the node's expand caret and resolves with ms until the frame that shows its first child row. */
export function probeExpand(root: Element, probe: ExpandProbe): Promise<number> {
  return new Promise((resolve, reject) => {
    const caret = root.querySelector(`[data-testid="tree-row"][data-path="${probe.path}"] [data-testid="tree-toggle"]`);
    if (!(caret instanceof HTMLElement)) {
      reject(new Error(`no expand caret on ${probe.path}`));
      return;
    }
    const selector = `[data-testid="tree-row"][data-path="${probe.firstChildPath}"]`;
    const shown = () => root.querySelector(selector) !== null;
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      observer.disconnect();
      clearTimeout(timer);
      if (error !== undefined) reject(error);
      else requestAnimationFrame(() => resolve(performance.now() - started));
    };
    const observer = new MutationObserver(() => {
      if (shown()) finish();
    });
    const timer = setTimeout(() => finish(new Error(`no row ${probe.firstChildPath} in time`)), probe.timeoutMs);
    observer.observe(root, { subtree: true, childList: true });
    const started = performance.now();
    caret.click();
    if (shown()) finish();
  });
}

/** The tree's scroll container: whichever element inside it actually scrolls (the virtual list's own). */
export function probeScrollRange(root: Element): number {
  const tree = root.querySelector('[data-testid="explorer-tree"]');
  if (tree === null) throw new Error('the workspace has no explorer tree');
  const scroller = [tree, ...tree.querySelectorAll('*')].find((el) => el.scrollHeight > el.clientHeight + 100 && el.clientHeight > 100);
  if (scroller === undefined) throw new Error('the explorer tree does not scroll');
  return scroller.scrollHeight - scroller.clientHeight;
}

export interface ScrollProbe {
  /** scrollTop of each step, in order. */
  targets: number[];
  stepMs: number;
  settleTimeoutMs: number;
  /** The row the last target (the end of the list) must show. */
  lastRowPath: string;
}

export interface ScrollRecord {
  /** requestAnimationFrame times from the first step until the rows at the last position were all shown. */
  frames: number[];
  /** ms from the last step until the last row showed and no placeholder was on screen (or the timeout). */
  settleMs: number;
  settled: boolean;
}

/**
 * Scrolls the tree by setting scrollTop to each target, `stepMs` apart (a scrollbar drag through the list), while
 * recording every animation frame, until the rows at the last position are shown.
 */
export function probeScroll(root: Element, probe: ScrollProbe): Promise<ScrollRecord> {
  return new Promise((resolve, reject) => {
    const tree = root.querySelector('[data-testid="explorer-tree"]');
    const scroller =
      tree === null
        ? undefined
        : [tree, ...tree.querySelectorAll('*')].find((el) => el.scrollHeight > el.clientHeight + 100 && el.clientHeight > 100);
    if (tree === null || scroller === undefined) {
      reject(new Error('the explorer tree does not scroll'));
      return;
    }
    const frames: number[] = [];
    let lastStepAt: number | undefined;
    let step = 0;
    const onFrame = (time: number) => {
      frames.push(time);
      if (lastStepAt !== undefined) {
        const waited = performance.now() - lastStepAt;
        const settled =
          tree.querySelector('[data-testid="tree-placeholder"]') === null &&
          tree.querySelector(`[data-testid="tree-row"][data-path="${probe.lastRowPath}"]`) !== null;
        if (settled || waited > probe.settleTimeoutMs) {
          resolve({ frames, settleMs: waited, settled });
          return;
        }
      }
      requestAnimationFrame(onFrame);
    };
    const nextStep = () => {
      scroller.scrollTop = probe.targets[step]!;
      step++;
      if (step < probe.targets.length) setTimeout(nextStep, probe.stepMs);
      else lastStepAt = performance.now();
    };
    requestAnimationFrame((time) => {
      frames.push(time);
      nextStep();
      requestAnimationFrame(onFrame);
    });
  });
}

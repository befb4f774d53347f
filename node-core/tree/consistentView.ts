// The entries of a copy-on-write snapshot view of the tree, in the order ZooKeeper's DataTree.serializeNode writes
// them: depth first from the root, each node's children in java.util.HashSet order, so a tree ZooKeeper wrote is
// written back byte for byte. DataTree keeps the view (the nodes changed since it began); this walks it.
import { javaHashSetOrder } from './javaHashOrder.js';
import { joinPath } from './pathValidation.js';

/** A node as it was when a view began. */
export interface PreservedNode<R> {
  readonly record: R;
}

/** ZooKeeper's DataNode makes its child set with new HashSet<>(8), which decides the order it lists them in. */
const childSetCapacity = 8;

/**
 * Every node as it was when `view` began. `view` maps each path changed since then to its preserved copy, or to null
 * for a path created since; `end` runs when the walk is over or abandoned.
 */
export function* viewEntries<R, N extends R & { readonly children: ReadonlySet<string> }>(
  nodes: ReadonlyMap<string, N>,
  view: Map<string, PreservedNode<R> | null>,
  end: () => void,
): Generator<[string, R], void, undefined> {
  try {
    // Depth first from the root, each node's children in java.util.HashSet order, as DataTree.serializeNode walks
    // (so a tree ZooKeeper wrote is written back byte for byte). Live child lists are copied when a node is
    // visited; a path created after the view began is recorded as absent and skipped, a changed node yields its
    // preserved copy, and deleted ones (absent from the live lists) are emitted at the end, shallowest first so
    // their parents still come first.
    const emitted = new Set<string>();
    const stack: { parent: string; names: string[]; next: number }[] = [];
    // One map lookup per node: the live node gives both what to yield (unless preserved) and the children.
    const visit = (path: string): R | undefined => {
      const live = nodes.get(path);
      if (view.size > 0 && view.has(path)) {
        const preserved = view.get(path);
        if (preserved === null || preserved === undefined || emitted.has(path)) return undefined;
        emitted.add(path);
        descendInto(path, live);
        return preserved.record;
      }
      descendInto(path, live);
      return live;
    };
    let pending: { parent: string; names: string[]; next: number } | undefined;
    const descendInto = (path: string, live: N | undefined) => {
      pending = undefined;
      if (live !== undefined && live.children.size > 0) {
        const names = live.children.size === 1 ? [...live.children] : javaHashSetOrder(live.children, childSetCapacity);
        pending = { parent: path, names, next: 0 };
      }
    };
    const root = visit('/');
    if (root !== undefined) yield ['/', root];
    if (pending !== undefined) stack.push(pending);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next >= frame.names.length) {
        stack.pop();
        continue;
      }
      const path = joinPath(frame.parent, frame.names[frame.next++]!);
      const record = visit(path);
      if (record === undefined) continue;
      const children = pending;
      yield [path, record];
      if (children !== undefined) stack.push(children);
    }
    const leftovers: [string, R][] = [];
    for (const [path, preserved] of view) {
      if (preserved !== null && !emitted.has(path)) leftovers.push([path, preserved.record]);
    }
    leftovers.sort((a, b) => depthOf(a[0]) - depthOf(b[0]));
    yield* leftovers;
  } finally {
    end();
  }
}

function depthOf(path: string): number {
  let depth = 0;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) depth++;
  return depth;
}

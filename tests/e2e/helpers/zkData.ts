// Test data made quickly through a real client: many children created with hundreds of requests in flight at once
// (the session pipelines them), so tens of thousands of nodes take seconds, not minutes.
import type { ZkClient } from '../../../node-core/client/index.js';

/** Creates parent/<prefix>00000 … in order of the number, `count` children in all, with `inFlight` at a time. */
export async function createChildren(zk: ZkClient, parent: string, prefix: string, count: number, inFlight = 500): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const i = next++;
        await zk.create(`${parent}/${prefix}${String(i).padStart(5, '0')}`, null);
      }
    }),
  );
}

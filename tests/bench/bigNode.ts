// Builds the node the GUI benchmark browses: one parent with many empty children, created over one connection with
// a window of pipelined creates in flight, so 100,000 take seconds rather than minutes.
import type { ZkConnection } from '../../node-core/client/zkConnection.js';
import { CreateMode, CreateRequestCodec, OpCode } from '../../node-core/protocol/index.js';
import { childName } from './guiMeasures.js';
import { ensureNode } from './treeSetup.js';
import { openAcl } from './workloads.js';

export async function createBigNode(admin: ZkConnection, parent: string, children: number, inFlight = 1_000): Promise<void> {
  const ancestors = parent.split('/').filter(Boolean);
  for (let i = 1; i <= ancestors.length; i++) await ensureNode(admin, '/' + ancestors.slice(0, i).join('/'));
  let next = 0;
  let failure: Error | undefined;
  const worker = async () => {
    while (next < children && failure === undefined) {
      const path = `${parent}/${childName(next++, children)}`;
      const reply = await admin.request(OpCode.create, (w) =>
        CreateRequestCodec.write(w, { path, data: null, acl: openAcl, flags: CreateMode.persistent }),
      );
      if (reply.header.err !== 0) failure ??= new Error(`create ${path} failed with err ${reply.header.err}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, children) }, worker));
  if (failure !== undefined) throw failure;
}

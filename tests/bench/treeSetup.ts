// Prepares a server's tree before measurements (the parents and the 1,000 nodes reads and setData address), over
// one pipelined admin connection built on the same codec as the load generator.
import { ZkConnection } from '../../node-core/client/zkConnection.js';
import { CreateMode, CreateRequestCodec, ErrorCode, OpCode } from '../../node-core/protocol/index.js';
import type { HostPort } from './loadMessages.js';
import { keyPath, openAcl, smallPayload } from './workloads.js';

export function openAdmin(target: HostPort): Promise<ZkConnection> {
  return ZkConnection.connect({ ...target, sessionTimeout: 30_000, connectTimeoutMs: 15_000 });
}

/** Creates a persistent node; an existing one is fine (a rerun on the same data). */
export async function ensureNode(admin: ZkConnection, path: string, data: Buffer | null = null): Promise<void> {
  const reply = await admin.request(OpCode.create, (w) =>
    CreateRequestCodec.write(w, { path, data, acl: openAcl, flags: CreateMode.persistent }),
  );
  if (reply.header.err !== 0 && reply.header.err !== ErrorCode.nodeExists) {
    throw new Error(`create ${path} failed with err ${reply.header.err}`);
  }
}

/** The workload tree: /bench, /bench/keys with `keyCount` nodes of 100 B. */
export async function prepareWorkloadTree(admin: ZkConnection, keysParent: string, keyCount: number): Promise<void> {
  await ensureNode(admin, '/bench');
  await ensureNode(admin, keysParent);
  const batch = 200;
  for (let start = 0; start < keyCount; start += batch) {
    const end = Math.min(keyCount, start + batch);
    const creates: Promise<void>[] = [];
    for (let i = start; i < end; i++) creates.push(ensureNode(admin, keyPath(keysParent, i), smallPayload));
    await Promise.all(creates);
  }
}

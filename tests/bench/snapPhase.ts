// Issue 14 point 5 in figures: how long a member whose dataDir was wiped takes, from its process start, until it
// serves again, when it must get the whole tree by SNAP from the leader of a 3-member ensemble, on Paddock and on
// ZooKeeper. Two trees: many small znodes (1,000,000 of 100 B) and much data (1 GiB as 1,024 znodes of 1 MiB, with
// jute.maxbuffer raised on both servers so such a znode and its proposal fit).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ZkConnection } from '../../node-core/client/zkConnection.js';
import { ZkClient, type TransactionOp } from '../../node-core/client/index.js';
import { CreateMode, CreateRequestCodec, OpCode } from '../../node-core/protocol/index.js';
import { createBenchServer, serverKinds, serverLabels, type BenchServer, type ServerKind } from './benchServer.js';
import type { FigureDef, FigureStore } from './figures.js';
import type { BenchOptions } from './options.js';
import { LOAD_PARENT } from './recoveryPhase.js';
import { ensureNode, openAdmin } from './treeSetup.js';
import type { Progress } from './workloadPhase.js';
import { openAcl } from './workloads.js';

const MiB = 1024 * 1024;
/** Room for a 1 MiB znode in a request, a proposal and a snapshot record. */
const BIG_JUTE_MAXBUFFER = 4 * MiB;
const ENSEMBLE = 3;

export interface SnapTree {
  id: string;
  label: string;
  juteMaxBuffer?: number;
  /** Creates the tree through `server`; resolves with a line saying what was written. */
  build(server: BenchServer): Promise<string>;
}

export function snapTrees(options: BenchOptions): SnapTree[] {
  const znodes = options.snapZnodes;
  const bigNodes = options.snapMiB;
  return [
    {
      id: `snap.znodes.${znodes}`,
      label: `SNAP of ${znodes.toLocaleString('en-US')} znodes of 100 B: wiped member's start to serving`,
      build: async (server) => {
        const started = performance.now();
        await createSmallNodes(server, znodes);
        return `${znodes} znodes at ${Math.round(znodes / ((performance.now() - started) / 1000))}/s`;
      },
    },
    {
      id: `snap.mib.${bigNodes}`,
      label: `SNAP of ${bigNodes >= 1024 ? `${bigNodes / 1024} GiB` : `${bigNodes} MiB`} (${bigNodes.toLocaleString('en-US')} znodes of 1 MiB): wiped member's start to serving`,
      juteMaxBuffer: BIG_JUTE_MAXBUFFER,
      build: async (server) => {
        const started = performance.now();
        const admin = await openAdmin(server.targets[0]!);
        try {
          await createMiBNodes(admin, bigNodes);
        } finally {
          await admin.close();
        }
        return `${bigNodes} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`;
      },
    },
  ];
}

/**
 * Multis of 500 creates of 100 B, 8 in flight: a SNAP's cost depends on the tree, not on how it was written, and one
 * transaction per 500 znodes builds a million in minutes rather than the better part of an hour on a loaded machine.
 */
async function createSmallNodes(server: BenchServer, count: number): Promise<void> {
  const client = await ZkClient.connect(server.connectString, { sessionTimeout: 30_000 });
  try {
    await client.create(LOAD_PARENT).catch(() => undefined);
    const data = Buffer.alloc(100, 's');
    const perMulti = 500;
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const first = next;
        next = Math.min(count, next + perMulti);
        const ops: TransactionOp[] = [];
        for (let i = first; i < next; i++) ops.push({ op: 'create', path: `${LOAD_PARENT}/k${i}`, data });
        await client.multi(ops);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    await client.close();
  }
}

async function createMiBNodes(admin: ZkConnection, count: number): Promise<void> {
  await ensureNode(admin, LOAD_PARENT);
  const data = Buffer.alloc(MiB, 'z');
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const path = `${LOAD_PARENT}/mib${next++}`;
      const reply = await admin.request(OpCode.create, (w) =>
        CreateRequestCodec.write(w, { path, data, acl: openAcl, flags: CreateMode.persistent }),
      );
      if (reply.header.err !== 0) throw new Error(`create ${path} failed with err ${reply.header.err}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

function figureOf(tree: SnapTree): FigureDef {
  return { id: tree.id, label: tree.label, unit: 'ms', better: 'lower', table: 'main' };
}

/** A member that follows: wiping the leader would measure an election, not a SNAP. */
async function followerId(server: BenchServer): Promise<number> {
  const modes = await server.modes();
  const index = modes.lastIndexOf('follower');
  if (index < 0) throw new Error(`no follower among ${JSON.stringify(modes)}`);
  return server.memberIds[index]!;
}

/** One ensemble per server and tree, built once; then `reps` times: kill a follower, wipe it, time its return. */
async function measureTree(tree: SnapTree, kind: ServerKind, options: BenchOptions, store: FigureStore, progress: Progress): Promise<void> {
  const server = await createBenchServer({ kind, size: ENSEMBLE, juteMaxBuffer: tree.juteMaxBuffer, profileName: tree.id });
  try {
    await server.start();
    progress(`snap ${serverLabels[kind]}: built ${await tree.build(server)}`);
    for (let rep = 0; rep < options.reps; rep++) {
      const id = await followerId(server);
      await server.kill(id);
      rmSync(join(server.dir, `server${id}`, 'data', 'version-2'), { recursive: true, force: true });
      const ms = await server.startMember(id, LOAD_PARENT, 900_000);
      store.add(ENSEMBLE, tree.id, kind, ms);
      progress(`${tree.label} on ${serverLabels[kind]} run ${rep + 1}/${options.reps}: ${ms.toFixed(0)} ms (member ${id})`);
    }
  } finally {
    await server.destroy();
  }
}

export async function measureSnap(options: BenchOptions, store: FigureStore, progress: Progress): Promise<void> {
  const trees = snapTrees(options);
  store.define(trees.map(figureOf));
  for (const tree of trees) {
    for (const kind of serverKinds) await measureTree(tree, kind, options, store, progress);
  }
}

// The SNAP Paddock's leader streams, read by Apache ZooKeeper 3.8's own code: zookeeper.jar's QuorumPacket,
// SerializeUtils.deserializeSnapshot and readString("signature"), in the order Learner.syncWithLeader uses them,
// followed by the next packet on the stream. Proves the wire form a Java learner in a mixed ensemble will read.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataTree } from '../../node-core/tree/dataTree.js';
import { snapshotWire } from '../../node-core/server/quorum/snapshotTransfer.js';
import type { ZkDatabase } from '../../node-core/server/zkDatabase.js';
import { QuorumPacketType, encodeQuorumPacket, quorumPacket } from '../../node-core/protocol/quorumPackets.js';

const jars = ['/usr/share/java/zookeeper.jar', '/usr/share/java/zookeeper-jute.jar', '/usr/share/java/slf4j-api.jar'];
const source = fileURLToPath(new URL('./java/ReadSnapWire.java', import.meta.url));
const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const readOnlyDigest = [{ perms: 1, id: { scheme: 'digest', id: 'u:p' } }];

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`${command}: ${result.error.message} (apt-get install -y zookeeper default-jdk-headless)`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe('a Paddock SNAP read by ZooKeeper 3.8', () => {
  it("parses with zookeeper.jar's own Learner-side classes, signature and the packet after it included", () => {
    for (const jar of jars) expect(existsSync(jar), `${jar} is missing: apt-get install -y zookeeper`).toBe(true);
    const tree = new DataTree();
    tree.createNode('/a', Buffer.from('x'), world, 0n, -1, 1n, 1n);
    for (let i = 0; i < 5000; i++) {
      tree.createNode(`/a/n${i}`, Buffer.alloc(1024, 'k'), i % 2 ? world : readOnlyDigest, i === 7 ? 0x55n : 0n, -1, BigInt(i + 2), 1n);
    }
    tree.lastProcessedZxid = 5001n;
    const database = { tree, sessions: new Map([[0x55n, 30000], [0x66n, 4000]]) } as unknown as ZkDatabase;
    const wire = Buffer.concat([...snapshotWire(database, 5001n, 64 * 1024), encodeQuorumPacket(quorumPacket(QuorumPacketType.PING, -1n))]);

    const dir = mkdtempSync(join(tmpdir(), 'paddock-snapwire-'));
    try {
      writeFileSync(join(dir, 'wire.bin'), wire);
      copyFileSync(source, join(dir, 'ReadSnapWire.java'));
      const classpath = jars.join(':');
      run('javac', ['-cp', classpath, 'ReadSnapWire.java'], dir);
      const out = run('java', ['-cp', `${classpath}:.`, 'ReadSnapWire', 'wire.bin'], dir);
      expect(out).toContain('packet type 15 zxid 1389 data null');
      // 5,001 znodes of ours plus ZooKeeper's system nodes, as DataTree.getNodeCount counts them
      expect(out).toMatch(/nodes 5006 sessions \{85=30000, 102=4000\} signature BenWasHere ephemerals of 0x55 \[\/a\/n7\]/);
      expect(out).toContain("/a/n4999 data 1024 acl [1,s{'digest,'u:p}");
      expect(out).toContain('next packet type 5');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

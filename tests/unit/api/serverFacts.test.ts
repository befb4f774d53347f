// srvr and mntr parsing, checked on text captured from Apache ZooKeeper 3.8.
import { describe, expect, it } from 'vitest';
import { parseMntr } from '../../../node-core/client/fourLetterReplies.js';
import { parseSrvr } from '../../../node-core/client/srvrReply.js';

describe('server facts parsing', () => {
  it('parses srvr', () => {
    const text = [
      'Zookeeper version: 3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f, built on 2022-02-25 08:49 UTC',
      'Latency min/avg/max: 0/0.5/3',
      'Received: 12',
      'Sent: 11',
      'Connections: 1',
      'Outstanding: 0',
      'Zxid: 0x1a',
      'Mode: standalone',
      'Node count: 5',
      '',
    ].join('\n');
    expect(parseSrvr(text)).toEqual({
      version: '3.8.0-5a02a05eddb59aee6ac762f7ea82e92a68eb9c0f, built on 2022-02-25 08:49 UTC',
      latencyMin: 0,
      latencyAvg: 0.5,
      latencyMax: 3,
      received: 12,
      sent: 11,
      connections: 1,
      outstanding: 0,
      zxid: '0x1a',
      mode: 'standalone',
      nodeCount: 5,
    });
  });

  it('parses mntr into numbers where it can', () => {
    expect(parseMntr('zk_version\t3.8.0\nzk_avg_latency\t0.25\nzk_server_state\tleader\nzk_znode_count\t7\n')).toEqual({
      zk_version: '3.8.0',
      zk_avg_latency: 0.25,
      zk_server_state: 'leader',
      zk_znode_count: 7,
    });
  });
});

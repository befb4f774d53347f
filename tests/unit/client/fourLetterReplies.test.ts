// The monitoring words' replies (as Apache ZooKeeper 3.8 prints them) and the AdminServer's JSON for the same
// commands read into the same shapes, the whitelist refusal recognised, and 64-bit session ids kept exact.
import { describe, expect, it } from 'vitest';
import {
  adminConnections,
  adminValues,
  adminWatches,
  adminWatchSummary,
  notWhitelistedReply,
  parseAdminJson,
  parseCons,
  parseKeyValues,
  parseWchc,
  parseWchs,
} from '../../../node-core/client/fourLetterReplies.js';

describe('four-letter word replies', () => {
  it('recognises the whitelist refusal', () => {
    expect(notWhitelistedReply('mntr is not executed because it is not in the whitelist.\n')).toBe(true);
    expect(notWhitelistedReply('zk_version\t3.8.0\n')).toBe(false);
  });

  it('reads conf and envi as key=value lines, keeping hex ids as text', () => {
    const conf = 'clientPort=2181\nsecureClientPort=-1\ndataDir=/tmp/zk/version-2\ntickTime=2000\nserverId=0\nlast=0x1f\n';
    expect(parseKeyValues(conf)).toEqual({ clientPort: 2181, secureClientPort: -1, dataDir: '/tmp/zk/version-2', tickTime: 2000, serverId: 0, last: '0x1f' });
    expect(parseKeyValues('Environment:\nzookeeper.version=3.8.0-abc, built on x\nhost.name=localhost\n')).toEqual({
      'zookeeper.version': '3.8.0-abc, built on x',
      'host.name': 'localhost',
    });
  });

  it('reads cons lines, with and without a session', () => {
    const text =
      ' /127.0.0.1:41234[1](queued=0,recved=5,sent=5,sid=0x10000a1b2c30000,lop=GETD,est=1700000000000,to=30000,lcxid=0x4,lzxid=0x12,lresp=1700000000100,llat=0,minlat=0,avglat=1,maxlat=3)\n' +
      ' /127.0.0.1:41240[0](queued=0,recved=1,sent=0)\n\n';
    expect(parseCons(text)).toEqual([
      { address: '127.0.0.1:41234', sessionId: '0x10000a1b2c30000', queued: 0, received: 5, sent: 5, lastOperation: 'GETD', timeoutMs: 30000, avgLatencyMs: 1, maxLatencyMs: 3 },
      { address: '127.0.0.1:41240', queued: 0, received: 1, sent: 0 },
    ]);
  });

  it('reads wchs and wchc', () => {
    expect(parseWchs('2 connections watching 3 paths\nTotal watches:4\n')).toEqual({ connections: 2, paths: 3, watches: 4 });
    expect(parseWchs('something else')).toBeUndefined();
    expect(parseWchc('0x100000abc\n\t/a\n\t/b\n0x100000abd\n\t/a\n\n')).toEqual([
      { sessionId: '0x100000abc', paths: ['/a', '/b'] },
      { sessionId: '0x100000abd', paths: ['/a'] },
    ]);
  });
});

describe('AdminServer answers', () => {
  it('gives monitor figures mntr names and keeps only scalars', () => {
    expect(adminValues({ command: 'monitor', error: null, znode_count: 5, server_state: 'standalone', ok: true, nested: {} }, 'zk_')).toEqual({
      zk_znode_count: 5,
      zk_server_state: 'standalone',
      zk_ok: 'true',
    });
  });

  it('keeps every digit of a session id above 2^53', () => {
    // 0x1000a1b2c3d4e5f: a session id of server 1, as ZooKeeper numbers them, beyond a double's exact range.
    const body = parseAdminJson(
      '{"connections":[{"remote_socket_address":"/127.0.0.1:5000","interest_ops":1,"outstanding_requests":0,"packets_received":3,' +
        '"packets_sent":2,"session_id":72068705860537951,"last_operation":"PING","session_timeout":30000,"avg_latency":0,"max_latency":2}],' +
        '"secure_connections":[],"command":"connections","error":null}',
    );
    expect(adminConnections(body)).toEqual([
      { address: '127.0.0.1:5000', sessionId: '0x1000a1b2c3d4e5f', queued: 0, received: 3, sent: 2, lastOperation: 'PING', timeoutMs: 30000, avgLatencyMs: 0, maxLatencyMs: 2 },
    ]);
  });

  it('reads watch_summary and watches', () => {
    expect(adminWatchSummary({ num_connections: 1, num_paths: 2, num_total_watches: 2 })).toEqual({ connections: 1, paths: 2, watches: 2 });
    expect(adminWatches({ session_id_to_watched_paths: { '72068705860537951': ['/a', '/b'] } })).toEqual([
      { sessionId: '0x1000a1b2c3d4e5f', paths: ['/a', '/b'] },
    ]);
  });
});

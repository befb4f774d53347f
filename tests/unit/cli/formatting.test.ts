// Output formats zkCli prints: java.util.Date.toString, the Stat block, ACL lines, watch events, path errors.
import { describe, expect, it } from 'vitest';
import { formatAclEntry, parseAclText, permString } from '../../../node-core/cli/aclText.js';
import { keeperErrorText } from '../../../node-core/cli/cliErrors.js';
import { validateJavaPath } from '../../../node-core/cli/javaPath.js';
import { formatJavaDate, formatStatLines, javaHex } from '../../../node-core/protocol/javaText.js';
import { formatWatchedEvent } from '../../../node-core/cli/zkShell.js';
import { ErrorCode, EventType, KeeperState, type Stat } from '../../../node-core/protocol/index.js';

describe('formatJavaDate', () => {
  it('prints EEE MMM dd HH:mm:ss zzz yyyy', () => {
    expect(formatJavaDate(0, 'UTC')).toBe('Thu Jan 01 00:00:00 UTC 1970');
    expect(formatJavaDate(Date.UTC(2026, 10, 25, 1, 15, 28), 'UTC')).toBe('Wed Nov 25 01:15:28 UTC 2026');
    expect(formatJavaDate(1_000_000_000_000n, 'UTC')).toBe('Sun Sep 09 01:46:40 UTC 2001');
  });

  it('uses the zone abbreviation and local time', () => {
    expect(formatJavaDate(Date.UTC(2026, 0, 5, 3, 4, 5), 'America/New_York')).toBe('Sun Jan 04 22:04:05 EST 2026');
    expect(formatJavaDate(Date.UTC(2026, 6, 5, 13, 0, 0), 'America/New_York')).toBe('Sun Jul 05 09:00:00 EDT 2026');
    expect(formatJavaDate(0, 'GMT')).toBe('Thu Jan 01 00:00:00 GMT 1970');
  });
});

describe('formatStatLines', () => {
  const stat: Stat = {
    czxid: 0x100000003n,
    mzxid: 0x100000005n,
    ctime: 0n,
    mtime: 1_000n,
    version: 2,
    cversion: 5,
    aversion: 1,
    ephemeralOwner: -0x8000000000000000n,
    dataLength: 11,
    numChildren: 3,
    pzxid: 0x10000000an,
  };

  it('prints the eleven lines of StatPrinter in order, with Long.toHexString values', () => {
    expect(formatStatLines(stat, 'UTC')).toEqual([
      'cZxid = 0x100000003',
      'ctime = Thu Jan 01 00:00:00 UTC 1970',
      'mZxid = 0x100000005',
      'mtime = Thu Jan 01 00:00:01 UTC 1970',
      'pZxid = 0x10000000a',
      'cversion = 5',
      'dataVersion = 2',
      'aclVersion = 1',
      'ephemeralOwner = 0x8000000000000000',
      'dataLength = 11',
      'numChildren = 3',
    ]);
  });

  it('prints negative longs as their unsigned bits', () => {
    expect(javaHex(0n)).toBe('0');
    expect(javaHex(-1n)).toBe('ffffffffffffffff');
    expect(javaHex(0x1000a3b4c5d0000n)).toBe('1000a3b4c5d0000');
  });
});

describe('ACL text', () => {
  it('parses scheme:id:perms lists and reports what it skips', () => {
    const warnings: string[] = [];
    const acl = parseAclText('world:anyone:cdrwa,digest:bob:x=:rz,bad', (w) => warnings.push(w));
    expect(acl).toEqual([
      { perms: 31, id: { scheme: 'world', id: 'anyone' } },
      { perms: 1, id: { scheme: 'digest', id: 'bob:x=' } },
    ]);
    expect(warnings).toEqual(['Unknown perm type: z', 'bad does not have the form scheme:id:perm']);
  });

  it('prints ids as jute records and perms in c, d, r, w, a order', () => {
    expect(permString(31)).toBe('cdrwa');
    expect(permString(1 | 16)).toBe('ra');
    expect(formatAclEntry({ perms: 3, id: { scheme: 'ip', id: '10.0.0.0/8,x%' } })).toEqual(["'ip,'10.0.0.0/8%2Cx%25", ': rw']);
  });
});

describe('keeperErrorText', () => {
  it("uses CliWrapperException's words and KeeperException's for the rest", () => {
    expect(keeperErrorText(ErrorCode.noNode, '/p')).toBe('Node does not exist: /p');
    expect(keeperErrorText(ErrorCode.badVersion, '/p')).toBe('version No is not valid : /p');
    expect(keeperErrorText(ErrorCode.invalidACL, undefined)).toBe('Acl is not valid : null');
    expect(keeperErrorText(ErrorCode.noWatcher, '/p')).toBe('KeeperErrorCode = No such watcher for /p');
    expect(keeperErrorText(ErrorCode.connectionLoss, undefined)).toBe('KeeperErrorCode = ConnectionLoss');
  });
});

describe('formatWatchedEvent', () => {
  it('matches WatchedEvent.toString', () => {
    expect(formatWatchedEvent({ type: EventType.nodeDataChanged, state: KeeperState.syncConnected, path: '/x' })).toBe(
      'WatchedEvent state:SyncConnected type:NodeDataChanged path:/x',
    );
    expect(formatWatchedEvent({ type: EventType.none, state: KeeperState.closed, path: undefined })).toBe(
      'WatchedEvent state:Closed type:None path:null',
    );
  });
});

describe('validateJavaPath', () => {
  const reason = (path: string, sequential = false) => {
    try {
      validateJavaPath(path, sequential);
      return 'ok';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("gives PathUtils' messages", () => {
    expect(reason('/')).toBe('ok');
    expect(reason('/a/b')).toBe('ok');
    expect(reason('a')).toBe('Path must start with / character');
    expect(reason('/a/')).toBe('Path must not end with / character');
    expect(reason('/a/', true)).toBe('ok');
    expect(reason('')).toBe('Path length must be > 0');
    expect(reason('/a//b')).toBe('Invalid path string "/a//b" caused by empty node name specified @3');
    expect(reason('/a/../b')).toBe('Invalid path string "/a/../b" caused by relative paths not allowed @4');
    expect(reason('/a/.')).toBe('Invalid path string "/a/." caused by relative paths not allowed @3');
    expect(reason('/a/.b')).toBe('ok');
    expect(reason('/a\u0001')).toBe('Invalid path string "/a\u0001" caused by invalid character @2');
  });
});

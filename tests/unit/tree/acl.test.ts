// ZooKeeper's ACL rules. "confirmed" marks behaviour checked against a real Apache ZooKeeper 3.8.0 server.
import { describe, expect, it } from 'vitest';
import {
  addAuthIds,
  authenticate,
  checkAcl,
  clientInfos,
  connectionAuthId,
  digestOf,
  fixupAcl,
  maskDigestIds,
  normalizeRemoteAddress,
} from '../../../node-core/tree/acl.js';
import { ErrorCode } from '../../../node-core/protocol/errorCodes.js';
import type { ACL, Id } from '../../../node-core/protocol/records.js';

const ip = (id: string): Id => ({ scheme: 'ip', id });
const acl = (scheme: string, id: string, perms = 31): ACL => ({ perms, id: { scheme, id } });

describe('digest', () => {
  it('is user:base64(sha1(user:password)) (confirmed: bob:pw and super:secret digests as ZooKeeper stored them)', () => {
    expect(digestOf('bob', 'pw')).toBe('bob:ikIaKsbtGweaHnb/jKn7OHqbunM=');
    expect(digestOf('super', 'secret')).toBe('super:lK75jTNcA+U9vtVEw5vB51mj/w4=');
  });

  it('authenticating adds the digest id; the super digest adds super:"" first (confirmed by whoAmI)', () => {
    expect(authenticate('digest', Buffer.from('bob:pw'), '127.0.0.1')).toEqual({ ok: true, ids: [{ scheme: 'digest', id: digestOf('bob', 'pw') }] });
    const result = authenticate('digest', Buffer.from('super:secret'), '127.0.0.1', digestOf('super', 'secret'));
    expect(result).toEqual({ ok: true, ids: [{ scheme: 'super', id: '' }, { scheme: 'digest', id: digestOf('super', 'secret') }] });
  });

  it('digest auth never refuses, even without a colon', () => {
    expect(authenticate('digest', Buffer.from('bob'), '1.2.3.4')).toMatchObject({ ok: true });
  });

  it('an unknown scheme is AuthFailed (confirmed -115)', () => {
    expect(authenticate('foo', Buffer.from('x'), '1.2.3.4')).toEqual({ ok: false, err: ErrorCode.authFailed });
  });

  it('ip auth adds the client address whatever the packet says', () => {
    expect(authenticate('ip', Buffer.from('10.0.0.1'), '::ffff:127.0.0.1')).toEqual({ ok: true, ids: [ip('127.0.0.1')] });
  });
});

describe('checkAcl', () => {
  it('world:anyone, matching perms only', () => {
    expect(checkAcl([acl('world', 'anyone', 1)], 1, [])).toBe(true);
    expect(checkAcl([acl('world', 'anyone', 1)], 2, [])).toBe(false);
    expect(checkAcl([acl('world', 'anyone', 1), acl('world', 'anyone', 2)], 2, [])).toBe(true);
  });

  it('an empty ACL admits everyone; super and skipACL bypass', () => {
    expect(checkAcl([], 31, [])).toBe(true);
    expect(checkAcl([acl('ip', '10.0.0.1')], 1, [{ scheme: 'super', id: '' }])).toBe(true);
    expect(checkAcl([acl('ip', '10.0.0.1')], 1, [], true)).toBe(true);
  });

  it('digest ids match exactly', () => {
    const bob = { scheme: 'digest', id: digestOf('bob', 'pw') };
    expect(checkAcl([acl('digest', bob.id)], 1, [bob])).toBe(true);
    expect(checkAcl([acl('digest', digestOf('bob', 'other'))], 1, [bob])).toBe(false);
  });

  it('ip addresses and CIDR ranges (confirmed: 127.0.0.0/8 admits 127.0.0.1, 10.0.0.0/8 does not)', () => {
    expect(checkAcl([acl('ip', '127.0.0.0/8')], 1, [ip('127.0.0.1')])).toBe(true);
    expect(checkAcl([acl('ip', '10.0.0.0/8')], 1, [ip('127.0.0.1')])).toBe(false);
    expect(checkAcl([acl('ip', '10.1.2.3')], 1, [ip('10.1.2.3')])).toBe(true);
    expect(checkAcl([acl('ip', '10.1.2.0/23')], 1, [ip('10.1.3.200')])).toBe(true);
    expect(checkAcl([acl('ip', '10.1.2.0/24')], 1, [ip('10.1.3.200')])).toBe(false);
    expect(checkAcl([acl('ip', '0.0.0.0/0')], 1, [ip('8.8.8.8')])).toBe(true);
    // ZooKeeper's ip provider only knows IPv4
    expect(checkAcl([acl('ip', '0.0.0.0/0')], 1, [ip('0:0:0:0:0:0:0:1')])).toBe(false);
  });

  it('an id of another scheme never matches', () => {
    expect(checkAcl([acl('digest', 'a:b')], 1, [ip('a:b')])).toBe(false);
  });
});

describe('fixupAcl', () => {
  const bob: Id = { scheme: 'digest', id: digestOf('bob', 'pw') };

  it('rejects what ZooKeeper rejects (confirmed)', () => {
    for (const bad of [
      [],
      [acl('world', 'someone')],
      [acl('auth', '')],
      [acl('digest', 'bob')],
      [acl('digest', 'bob:')],
      [acl('digest', 'a:b:c')],
      [acl('ip', '300.1.1.1')],
      [acl('ip', '10.0.0.0/33')],
      [acl('ip', '10.0.0/8')],
      [acl('ip', '10.0.0.0/x')],
      [acl('foo', 'bar')],
      [acl('super', '')],
    ]) {
      expect(fixupAcl('/p', [ip('127.0.0.1')], bad), JSON.stringify(bad)).toBe(ErrorCode.invalidACL);
    }
  });

  it('accepts what ZooKeeper accepts (confirmed ":x")', () => {
    for (const good of [[acl('digest', ':x')], [acl('ip', '10.0.0.0/8')], [acl('ip', '10.0.0.1')], [acl('ip', '1.2.3.4/+8')]]) {
      expect(fixupAcl('/p', [], good)).toEqual(good);
    }
  });

  it('expands auth to every authenticated id, keeps the perms, ignores ip and super ids', () => {
    const alice: Id = { scheme: 'digest', id: digestOf('alice', 'pw') };
    const ids = [ip('127.0.0.1'), { scheme: 'super', id: '' }, bob, alice];
    expect(fixupAcl('/p', ids, [acl('auth', 'ignored', 3)])).toEqual([
      { perms: 3, id: bob },
      { perms: 3, id: alice },
    ]);
  });

  it('drops duplicates before expanding', () => {
    expect(fixupAcl('/p', [bob], [acl('world', 'anyone'), acl('world', 'anyone'), acl('auth', '')])).toEqual([
      acl('world', 'anyone'),
      { perms: 31, id: bob },
    ]);
  });
});

describe('connection ids and whoAmI', () => {
  it('normalises remote addresses as Java prints them', () => {
    expect(normalizeRemoteAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeRemoteAddress('::1')).toBe('0:0:0:0:0:0:0:1');
    expect(normalizeRemoteAddress('fe80::1:ab')).toBe('fe80:0:0:0:0:0:1:ab');
    expect(connectionAuthId('127.0.0.1')).toEqual(ip('127.0.0.1'));
  });

  it('keeps ZooKeeper\'s set order (confirmed: bob -> digest, ip; super -> super, digest, ip)', () => {
    const start = [connectionAuthId('127.0.0.1')];
    const bob = authenticate('digest', Buffer.from('bob:pw'), '127.0.0.1');
    const sup = authenticate('digest', Buffer.from('super:secret'), '127.0.0.1', digestOf('super', 'secret'));
    if (!bob.ok || !sup.ok) throw new Error('auth failed');
    expect(clientInfos(addAuthIds(start, bob.ids))).toEqual([
      { authScheme: 'digest', user: 'bob' },
      { authScheme: 'ip', user: '127.0.0.1' },
    ]);
    expect(clientInfos(addAuthIds(start, sup.ids))).toEqual([
      { authScheme: 'super', user: '' },
      { authScheme: 'digest', user: 'super' },
      { authScheme: 'ip', user: '127.0.0.1' },
    ]);
  });

  it('does not repeat an id already held', () => {
    const bob = { scheme: 'digest', id: digestOf('bob', 'pw') };
    expect(addAuthIds([bob], [bob])).toEqual([bob]);
  });
});

describe('maskDigestIds', () => {
  it('hides digest hashes and leaves other ids (confirmed "bob:x")', () => {
    expect(maskDigestIds([acl('digest', digestOf('bob', 'pw'), 1), acl('world', 'anyone', 1)])).toEqual([
      acl('digest', 'bob:x', 1),
      acl('world', 'anyone', 1),
    ]);
  });
});

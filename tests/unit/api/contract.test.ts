// The boundary validators: every bad shape is reported with the field it concerns, and good params pass unchanged.
import { describe, expect, it } from 'vitest';
import { isApiMethod, paramSchemas, validateParams } from '../../../node-core/api/contractSchema.js';

describe('validateParams', () => {
  it('accepts well-formed params and drops nothing', () => {
    const r = validateParams('znode.list', { connectionId: 'c1', path: '/a/b', offset: 0, limit: 10 });
    expect(r).toEqual({ ok: true, value: { connectionId: 'c1', path: '/a/b', offset: 0, limit: 10 } });
  });

  it('treats missing params of a no-argument method as {}', () => {
    expect(validateParams('profiles.list', undefined).ok).toBe(true);
  });

  it.each([
    ['znode.get', { connectionId: 'c', path: 'relative' }, 'params.path'],
    ['znode.get', { connectionId: 'c', path: '/a/' }, 'params.path'],
    ['znode.get', { connectionId: 'c', path: '/a//b' }, 'params.path'],
    ['znode.get', { connectionId: 'c', path: '/a/../b' }, 'params.path'],
    ['znode.get', { path: '/a' }, 'params.connectionId'],
    ['znode.get', { connectionId: 'c', path: '/a', extra: 1 }, 'params.extra'],
    ['znode.set', { connectionId: 'c', path: '/a', data: 'not base64!' }, 'params.data'],
    ['znode.set', { connectionId: 'c', path: '/a', data: '', expectedVersion: 1.5 }, 'params.expectedVersion'],
    ['znode.list', { connectionId: 'c', path: '/', limit: 0 }, 'params.limit'],
    ['znode.create', { connectionId: 'c', path: '/t', mode: 'persistentWithTtl' }, 'params'],
    ['znode.create', { connectionId: 'c', path: '/t', ttlMs: 5 }, 'params'],
    ['znode.create', { connectionId: 'c', path: '/t', mode: 'sticky' }, 'params.mode'],
    ['znode.create', { connectionId: 'c', path: '/t', acl: [{ perms: 99, scheme: 'world', id: 'anyone' }] }, 'params.acl[0].perms'],
    ['znode.multi', { connectionId: 'c', ops: [] }, 'params.ops'],
    ['znode.multi', { connectionId: 'c', ops: [{ op: 'rename', path: '/a' }] }, 'params.ops[0].op'],
    ['znode.multi', { connectionId: 'c', ops: [{ op: 'check', path: '/a' }] }, 'params.ops[0].version'],
    ['znode.import', { connectionId: 'c', path: '/', snapshot: { format: 'x' }, policy: 'skip' }, 'params.snapshot.format'],
    ['znode.import', { connectionId: 'c', path: '/', snapshot: { format: 'paddock-subtree', version: 1, root: '/', exportedAt: '', nodes: [] }, policy: 'merge' }, 'params.policy'],
    ['znode.search', { connectionId: 'c', path: '/' }, 'params'],
    ['znode.search', { connectionId: 'c', path: '/', nameRegex: '(' }, 'params.nameRegex'],
    ['connection.test', {}, 'params'],
    ['server.facts', { connectionId: 'a', connectString: 'b' }, 'params'],
    ['profiles.save', { profile: { name: 'x' } }, 'params.profile.connectString'],
    ['profiles.save', { profile: { name: 'x', connectString: 'h:1', chroot: 'nope' } }, 'params.profile.chroot'],
    ['cluster.create', { nodes: 0 }, 'params.nodes'],
    ['cluster.member', { clusterId: 'k', memberId: 1, action: 'explode' }, 'params.action'],
  ] as const)('%s refuses %j at %s', (method, params, field) => {
    const r = validateParams(method, params);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.at).toBe(field);
  });

  it('refuses non-objects without throwing', () => {
    for (const bad of [42, 'x', [], true]) {
      expect(validateParams('znode.get', bad).ok).toBe(false);
    }
  });

  it('knows every method it has a schema for', () => {
    expect(isApiMethod('znode.get')).toBe(true);
    expect(isApiMethod('toString')).toBe(false);
    expect(isApiMethod('constructor')).toBe(false);
    expect(Object.keys(paramSchemas).length).toBeGreaterThanOrEqual(30);
  });
});

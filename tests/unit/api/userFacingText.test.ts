// The pure pieces behind the GUI's plain-words errors: connect-failure causes from socket error texts, connect
// strings a person mistyped, znode paths that are not absolute and canonical, and oversized writes.
import { describe, expect, it } from 'vitest';
import { classifyConnectError } from '../../../node-core/api/connectFailure.js';
import { ApiFailure } from '../../../node-core/api/apiError.js';
import { defaultJuteMaxBuffer, refuseOversizedData } from '../../../node-core/api/requestSize.js';
import { znodePathProblem } from '../../../node-core/api/znodePath.js';
import { connectStringProblem } from '../../../node-core/client/connectString.js';

describe('classifyConnectError', () => {
  it.each([
    ['127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1', 'refused'],
    ['nohost:2181: getaddrinfo ENOTFOUND nohost', 'unknownHost'],
    ['127.0.0.1:80: bad frame during handshake: frame length 1213486160 exceeds 67108864', 'notZooKeeper'],
    ['127.0.0.1:2181: connection closed during handshake', 'closed'],
    ['127.0.0.1:2181: no session established within 5000 ms', 'timedOut'],
    ['something else entirely', 'other'],
  ])('%s -> %s', (message, kind) => {
    expect(classifyConnectError(message)).toBe(kind);
  });
});

describe('connectStringProblem', () => {
  it.each(['127.0.0.1:2181', 'zk1:2181,zk2:2181,zk3:2181/app', '[::1]:2181', 'localhost', 'zk-1.example.com:2181'])('accepts %s', (s) => {
    expect(connectStringProblem(s)).toBeUndefined();
  });

  it.each([
    ['foo bar', 'contains a space'],
    ['', 'empty'],
    ['a:1,,b:2', 'empty server entry'],
    ['a:99999', 'invalid port'],
    ['a:b:c', 'invalid port'],
    ['h:1/a/../b', 'not a valid path'],
    ['ho$t:2181', 'not a host name'],
  ])('refuses %j (%s)', (s, why) => {
    expect(connectStringProblem(s)).toContain(why);
  });
});

describe('znodePathProblem', () => {
  it('accepts absolute canonical paths', () => {
    for (const p of ['/', '/a', '/a/b.c', '/a/..b']) expect(znodePathProblem(p)).toBeUndefined();
  });
  it('explains relative names, empty names, a trailing slash and a missing leading slash', () => {
    expect(znodePathProblem('/a/../b')).toContain('"." or ".."');
    expect(znodePathProblem('/a/./b')).toContain('"." or ".."');
    expect(znodePathProblem('/a//b')).toContain('empty name');
    expect(znodePathProblem('/a/')).toContain('must not end');
    expect(znodePathProblem('a')).toContain('must start');
  });
});

describe('refuseOversizedData', () => {
  it('lets a request that fits through and refuses one over jute.maxbuffer with the sizes', () => {
    expect(() => refuseOversizedData('/n', 1000)).not.toThrow();
    expect(() => refuseOversizedData('/n', defaultJuteMaxBuffer - 2048)).not.toThrow();
    let failure: unknown;
    try {
      refuseOversizedData('/n', 1_100_000);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ApiFailure);
    expect((failure as ApiFailure).error.name).toBe('dataTooLarge');
    expect((failure as ApiFailure).error.message).toMatch(/^Not sent: 1,100,000 bytes \(1\.05 MiB\).*jute\.maxbuffer, 1,048,575 bytes/);
  });
});

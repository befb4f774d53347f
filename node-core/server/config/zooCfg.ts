// Reads and writes zoo.cfg the way Apache ZooKeeper 3.8 does, so an operator's existing file starts Paddock unchanged.
// Parsing is pure (text in, typed config or ConfigError out); only loadZooCfg touches the disk.
// Its parts: the Properties syntax (javaProperties.ts), the key table (zooCfgKeys.ts), the config's types
// (zooCfgTypes.ts) and the renderers (zooCfgRender.ts).
//
// Deliberate differences from ZooKeeper, all in the direction of "accept what operators actually write":
// - Keys ZooKeeper only honours as JVM system properties (jute.maxbuffer, readonlymode.enabled,
//   zookeeper.DigestAuthenticationProvider.superDigest, zookeeper.extendedTypesEnabled, ...) are honoured here when
//   written in zoo.cfg, with or without the `zookeeper.` prefix.
// - Relative dataDir/dataLogDir resolve against the process working directory (as java.io.File does), with a warning
//   as ZooKeeper gives one.
// - A repeated key is last-wins like java.util.Properties, but we warn; a repeated server id is an error.
// - The file is decoded as UTF-8 rather than Properties' ISO-8859-1, so non-ASCII paths survive.

import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseProperties } from './javaProperties.js';
import { ACCEPTED_NOOP, KEYS, Reason, canonicalKey, defaults, isJavaOnly, isTableKey, parseServerLine, type KeyContext } from './zooCfgKeys.js';
import { ConfigError, type ConfigWarning, type ParseOptions, type ParsedZooCfg, type ZooConfig } from './zooCfgTypes.js';

/** Parses zoo.cfg text. Throws ConfigError naming file:line: key for the first bad value. */
export function parseZooCfg(text: string, filePath: string, options: ParseOptions = {}): ParsedZooCfg {
  const warnings: ConfigWarning[] = [];
  const draft = defaults();
  const raw: Record<string, string> = {};
  const lineOf = new Map<string, number>();
  const ctx: KeyContext = { draft, warn: () => undefined, cwd: options.cwd ?? process.cwd(), serverLines: new Map() };

  const entries = parseProperties(text);
  const hasDynamicFile = entries.some((e) => e.key.trim() === 'dynamicConfigFile');

  for (const entry of entries) {
    const key = entry.key.trim();
    const value = entry.value.trim();
    const warn = (message: string) => warnings.push({ line: entry.line, key, message });
    ctx.warn = warn;
    if (lineOf.has(key)) warn(`repeated key; line ${lineOf.get(key)} is overridden by this one`);
    lineOf.set(key, entry.line);
    raw[key] = value;

    const canonical = canonicalKey(key);
    try {
      if (canonical.startsWith('server.')) {
        if (hasDynamicFile) throw new Reason(`parameter ${key} must be in a separate dynamic config file`);
        const idText = canonical.slice('server.'.length);
        if (!/^\d+$/.test(idText)) throw new Reason(`"${idText}" is not a server id`);
        const id = Number(idText);
        if (!Number.isSafeInteger(id) || id < 0) throw new Reason(`server id ${idText} is out of range`);
        const firstLine = ctx.serverLines.get(id);
        if (firstLine !== undefined) throw new Reason(`duplicate server id ${id} (first defined on line ${firstLine})`);
        ctx.serverLines.set(id, entry.line);
        draft.servers.push(parseServerLine(id, value));
      } else if (isTableKey(canonical)) {
        KEYS[canonical](value, ctx, canonical);
      } else if (ACCEPTED_NOOP.has(canonical)) {
        // Tuning knobs of ZooKeeper's Java internals that have no counterpart here; harmless to accept.
      } else if (canonical.startsWith('group.') || canonical.startsWith('weight.')) {
        warn('hierarchical quorums (group/weight) are not supported; the ensemble uses simple majorities');
      } else if (canonical.startsWith('authProvider.') && /\.(SASL|Digest)AuthenticationProvider$/.test(value)) {
        // Providers Paddock has built in: naming them is how a ZooKeeper zoo.cfg turns them on.
      } else if (isJavaOnly(canonical)) {
        warn(`${key} configures the Java implementation and is ignored by Paddock`);
      } else {
        warn(`unknown key ${key}; ignored (ZooKeeper would set it as the system property zookeeper.${key})`);
      }
    } catch (e) {
      if (e instanceof Reason) throw new ConfigError(filePath, entry.line, key, e.text);
      throw e;
    }
  }

  const fail = (key: string, reason: string): never => {
    throw new ConfigError(filePath, lineOf.get(key), key, reason);
  };

  if (draft.dataDir === undefined) fail('dataDir', 'dataDir is not set');
  const dataDir = draft.dataDir as string;
  const dataLogDir = draft.dataLogDir ?? dataDir;
  if (draft.clientPort === undefined && draft.clientPortAddress !== undefined) {
    fail('clientPortAddress', 'clientPortAddress is set but clientPort is not set');
  }
  if (draft.secureClientPort === undefined && draft.secureClientPortAddress !== undefined) {
    fail('secureClientPortAddress', 'secureClientPortAddress is set but secureClientPort is not set');
  }
  const minSessionTimeout = draft.minSessionTimeout === -1 ? draft.tickTime * 2 : draft.minSessionTimeout;
  const maxSessionTimeout = draft.maxSessionTimeout === -1 ? draft.tickTime * 20 : draft.maxSessionTimeout;
  if (minSessionTimeout > maxSessionTimeout) {
    const key = lineOf.has('minSessionTimeout') ? 'minSessionTimeout' : 'maxSessionTimeout';
    fail(key, `minSessionTimeout (${minSessionTimeout}) must not be larger than maxSessionTimeout (${maxSessionTimeout})`);
  }

  if (draft.secureClientPort !== undefined) {
    const ssl = draft.ssl;
    if (ssl.keyStoreLocation === undefined) {
      warnings.push({
        line: lineOf.get('secureClientPort') ?? 0,
        key: 'secureClientPort',
        message: 'secureClientPort is set but ssl.keyStore.location is not; the secure port cannot start',
      });
    }
  }

  const distributed = draft.servers.length > 1 || (draft.servers.length === 1 && !draft.standaloneEnabled);
  if (distributed) {
    const ports = new Map<string, string>();
    for (const s of draft.servers) {
      for (const [port, what] of [
        [s.quorumPort, 'quorum'],
        [s.electionPort, 'election'],
      ] as const) {
        const k = `${s.host}:${port}`;
        const prev = ports.get(k);
        if (prev !== undefined) {
          fail(`server.${s.id}`, `${what} address ${k} is already used as ${prev}`);
        }
        ports.set(k, `the ${what} port of server.${s.id}`);
      }
    }
    const voters = draft.servers.filter((s) => s.role === 'participant');
    if (voters.length === 0) fail(`server.${draft.servers[0].id}`, 'the ensemble has no participants (all observers)');
    if (voters.length === 2) {
      warnings.push({
        line: lineOf.get(`server.${voters[0].id}`) ?? 0,
        key: `server.${voters[0].id}`,
        message: 'an ensemble of 2 voters tolerates no failure; use 3 or more',
      });
    }
    if (draft.clientPort === undefined && draft.servers.some((s) => s.clientPort === undefined)) {
      warnings.push({ line: 0, key: 'clientPort', message: 'clientPort is not set and some server.N lines have no client port' });
    }
  } else if (draft.clientPort === undefined && draft.servers.every((s) => s.clientPort === undefined)) {
    warnings.push({ line: 0, key: 'clientPort', message: 'clientPort is not set; the server will accept no clients' });
  }

  const config: ZooConfig = {
    ...draft,
    sourcePath: filePath,
    initialConfigText: text,
    dataDir,
    dataLogDir,
    minSessionTimeout,
    maxSessionTimeout,
    raw,
  };
  return { config, warnings };
}

/** True when the file describes an ensemble, not a standalone server (ZooKeeper's QuorumPeerConfig.isDistributed). */
export function isDistributed(config: ZooConfig): boolean {
  return config.servers.length > 1 || (config.servers.length === 1 && !config.standaloneEnabled);
}

/**
 * Reads zoo.cfg from disk and, for an ensemble, the myid file in dataDir (ZooKeeper refuses to start without it).
 */
export function loadZooCfg(filePath: string, options: ParseOptions = {}): ParsedZooCfg {
  const absolute = path.resolve(options.cwd ?? process.cwd(), filePath);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file does not exist' : String(e);
    throw new ConfigError(absolute, undefined, 'file', reason);
  }
  const parsed = parseZooCfg(text, absolute, options);
  const { config } = parsed;
  if (isDistributed(config)) {
    const myidPath = path.join(config.dataDir, 'myid');
    if (!existsSync(myidPath)) throw new ConfigError(absolute, undefined, 'myid', `${myidPath} file is missing`);
    const idText = readFileSync(myidPath, 'utf8').trim();
    if (!/^\d+$/.test(idText)) {
      throw new ConfigError(absolute, undefined, 'myid', `${myidPath} does not contain a number: "${idText}"`);
    }
    const myid = Number(idText);
    const me = config.servers.find((s) => s.id === myid);
    if (me === undefined) {
      throw new ConfigError(absolute, undefined, 'myid', `myid ${myid} has no server.${myid} line`);
    }
    if (me.role !== config.peerType && config.raw.peerType !== undefined) {
      parsed.warnings.push({
        line: 0,
        key: 'peerType',
        message: `peerType ${config.peerType} differs from server.${myid}'s role ${me.role}; the server.N role wins`,
      });
    }
    config.myid = myid;
  }
  return parsed;
}

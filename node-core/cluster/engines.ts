// How each engine runs one member from its zoo.cfg: Paddock as `<node> bin/paddock.mjs server <cfg>`, Apache
// ZooKeeper 3.8 as a QuorumPeerMain JVM with the jars Debian installs in /usr/share/java.
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemberLaunch } from './memberProcess.js';
import { ClusterError, type ApacheEngineOptions, type EngineKind, type NodeRuntime, type PaddockEngineOptions } from './types.js';

export interface ClusterEngine {
  kind: EngineKind;
  /** True when members answer the admin command `election` with their own election records (Paddock only). */
  reportsElections: boolean;
  /** Throws a ClusterError saying what is missing when the engine cannot run here. */
  preflight(): void;
  /** Runs once per cluster start, before any member starts. */
  prepare(dir: string): void;
  command(configPath: string, memberDir: string, clusterDir: string): MemberLaunch;
}

/** The node runtime for watchdogs and Paddock members: this process's own, as node even inside Electron. */
export function defaultNodeRuntime(): NodeRuntime {
  return process.versions.electron !== undefined
    ? { path: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } }
    : { path: process.execPath };
}

/** bin/paddock.mjs, searched upwards from this module (it lives in node-core/cluster or dist/node-core/cluster). */
export function findPaddockScript(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'bin', 'paddock.mjs');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

export function paddockEngine(node: NodeRuntime, options: PaddockEngineOptions = {}): ClusterEngine {
  const script = options.script ?? findPaddockScript();
  return {
    kind: 'paddock',
    reportsElections: true,
    preflight() {
      if (script === undefined || !existsSync(script)) {
        throw new ClusterError(`paddock engine: server script ${script ?? 'bin/paddock.mjs'} not found`);
      }
      if (script.endsWith('paddock.mjs') && !existsSync(join(dirname(dirname(script)), 'dist', 'node-core', 'cli', 'main.js'))) {
        throw new ClusterError(`paddock engine: ${script} needs a build; run \`npm run build\` first`);
      }
    },
    prepare() {},
    command(configPath, memberDir) {
      return { file: node.path, args: [script ?? 'bin/paddock.mjs', 'server', configPath], cwd: memberDir, env: node.env };
    },
  };
}

const DEFAULT_JAR_DIR = '/usr/share/java';
const INSTALL_HINT = 'install Apache ZooKeeper 3.8 (Debian: `apt-get install zookeeper`)';

function findJava(): string | undefined {
  const candidates = [
    ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'java')),
    '/usr/bin/java',
  ];
  return candidates.find((c) => existsSync(c));
}

const LOG4J_PROPERTIES = `log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n
`;

export const DEFAULT_JVM_FLAGS: readonly string[] = [
  // a small heap, no C2 and class-data sharing: a member starts in about a second
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-Dzookeeper.jmx.log4j.disable=true',
  // fastleader.maxNotificationInterval comes from zoo.cfg, the same for both engines (memberConfig.ts).
];

export function apacheEngine(options: ApacheEngineOptions = {}): ClusterEngine {
  const jarDir = options.jarDir ?? DEFAULT_JAR_DIR;
  const java = options.java ?? findJava();
  const jar = (name: string) => join(jarDir, name);
  // zookeeper.jar's manifest Class-Path names most dependencies but not the servlet API (without it the
  // AdminServer stays off) nor a logging binding (without it a failed start leaves no trace).
  const classpath = (clusterDir: string) => {
    const extras = [jar('servlet-api.jar')].filter((p) => existsSync(p));
    const logging = [jar('slf4j-log4j12.jar'), jar('log4j-1.2.jar')].filter((p) => existsSync(p));
    if (logging.length === 2) extras.push(...logging);
    return [clusterDir, jar('zookeeper.jar'), ...extras].join(delimiter);
  };
  return {
    kind: 'apache',
    reportsElections: false,
    preflight() {
      if (java === undefined || !existsSync(java)) throw new ClusterError(`apache engine: java not found; ${INSTALL_HINT}`);
      for (const name of ['zookeeper.jar', 'zookeeper-jute.jar']) {
        if (!existsSync(jar(name))) throw new ClusterError(`apache engine: ${jar(name)} is missing; ${INSTALL_HINT}`);
      }
    },
    prepare(dir) {
      writeFileSync(join(dir, 'log4j.properties'), LOG4J_PROPERTIES);
    },
    command(configPath, memberDir, clusterDir) {
      return {
        file: java ?? 'java',
        args: [
          ...(options.jvmFlags ?? DEFAULT_JVM_FLAGS),
          `-Dlog4j.configuration=file:${join(clusterDir, 'log4j.properties')}`,
          '-cp',
          classpath(clusterDir),
          'org.apache.zookeeper.server.quorum.QuorumPeerMain',
          configPath,
        ],
        cwd: memberDir,
      };
    },
  };
}

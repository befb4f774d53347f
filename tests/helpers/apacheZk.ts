// Starts real Apache ZooKeeper 3.8 (Debian's jars) on 127.0.0.1 as the behavioural reference for compat tests.
import { existsSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { startEnsemble, type ServerLauncher, type ZkStartOptions, type ZkTarget } from './zkEnsemble.js';

export const ZOOKEEPER_JAR_DIR = '/usr/share/java';
const INSTALL_HINT = 'install with `apt-get install -y zookeeper`';

/** The java binary: $JAVA_HOME first (as zkEnv.sh does), then PATH, then Debian's /usr/bin/java. */
export function findJava(): string | undefined {
  const candidates = [
    ...(process.env.JAVA_HOME ? [join(process.env.JAVA_HOME, 'bin', 'java')] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'java')),
    '/usr/bin/java',
  ];
  return candidates.find((c) => existsSync(c));
}

function jar(name: string): string {
  return join(ZOOKEEPER_JAR_DIR, name);
}

/** True when startApacheZk can run here; tests may use it to explain a skip. */
export function apacheZkAvailable(): boolean {
  return findJava() !== undefined && existsSync(jar('zookeeper.jar')) && existsSync(jar('zookeeper-jute.jar'));
}

// zookeeper.jar's manifest Class-Path names most dependencies (jute, netty, jetty, jackson, ...) but not the
// servlet API, without which Jetty cannot load and the AdminServer silently stays off, nor a logging binding,
// without which the server logs nothing and a failed start is undiagnosable.
function classpath(dir: string): string {
  const extras = [jar('servlet-api.jar')].filter((p) => existsSync(p));
  const logging = [jar('slf4j-log4j12.jar'), jar('log4j-1.2.jar')].filter((p) => existsSync(p));
  if (logging.length === 2) extras.push(...logging);
  return [dir, jar('zookeeper.jar'), ...extras].join(delimiter);
}

const LOG4J_PROPERTIES = `log4j.rootLogger=INFO, CONSOLE
log4j.appender.CONSOLE=org.apache.log4j.ConsoleAppender
log4j.appender.CONSOLE.layout=org.apache.log4j.PatternLayout
log4j.appender.CONSOLE.layout.ConversionPattern=%d{ISO8601} %-5p [%t:%C{1}@%L] - %m%n
`;

export const apacheLauncher: ServerLauncher = {
  kind: 'apache',
  label: 'apache zookeeper',
  preflight() {
    const java = findJava();
    if (java === undefined) throw new Error(`Apache ZooKeeper tests need java, which was not found: ${INSTALL_HINT}`);
    for (const name of ['zookeeper.jar', 'zookeeper-jute.jar']) {
      if (!existsSync(jar(name))) throw new Error(`Apache ZooKeeper jar ${jar(name)} is missing: ${INSTALL_HINT}`);
    }
  },
  prepare(dir) {
    writeFileSync(join(dir, 'log4j.properties'), LOG4J_PROPERTIES);
  },
  command(member, dir, options: ZkStartOptions) {
    const props = [
      '-Dzookeeper.extendedTypesEnabled=true',
      `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
      // log4j's JMX registration costs start time and nothing here reads it
      '-Dzookeeper.jmx.log4j.disable=true',
      ...(options.superDigest !== undefined
        ? [`-Dzookeeper.DigestAuthenticationProvider.superDigest=${options.superDigest}`]
        : []),
      // QuorumPeer reads readonlymode.enabled only as a system property (zoo.cfg would make it zookeeper.readonlymode...)
      ...(options.extraConfig?.['readonlymode.enabled'] !== undefined
        ? [`-Dreadonlymode.enabled=${String(options.extraConfig['readonlymode.enabled'])}`]
        : []),
      // the JAAS file is a JVM property, which zoo.cfg cannot set (Paddock reads the same key from zoo.cfg)
      ...(options.extraConfig?.['java.security.auth.login.config'] !== undefined
        ? [`-Djava.security.auth.login.config=${String(options.extraConfig['java.security.auth.login.config'])}`]
        : []),
    ];
    return {
      file: findJava()!,
      args: [
        // a small heap, no C2 and class-data sharing: a test server starts in about a second
        '-Xmx256m',
        '-XX:+UseSerialGC',
        '-XX:TieredStopAtLevel=1',
        '-Xshare:auto',
        ...props,
        '-cp',
        classpath(dir),
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        member.configPath,
      ],
    };
  },
};

export function startApacheZk(options: ZkStartOptions = {}): Promise<ZkTarget> {
  return startEnsemble(apacheLauncher, options);
}

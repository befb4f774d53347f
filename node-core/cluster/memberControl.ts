// Process control of one local-cluster member: launching it under its watchdog and recording how its run ends, and
// stopping it (SIGTERM, then SIGKILL once it overstays the timeout).
import { tail, type MemberRecord } from './clusterLayout.js';
import { describeExit, MemberProcess, type MemberLaunch } from './memberProcess.js';
import { NOT_SERVING } from './srvrStatus.js';
import { ClusterError, type NodeRuntime, type WarningEvent } from './types.js';

const LOG_TAIL_LINES = 20;

export interface MemberLaunchOptions {
  watchdogPath: string;
  node: NodeRuntime;
  launch: MemberLaunch;
  log: (line: string) => void;
  warn: (warning: WarningEvent) => void;
  /** Called whenever the member's record changed, so the cluster can emit its new state. */
  changed: () => void;
}

/** Starts the member's process; resolves once it runs, rejects with its log's tail when it could not start. */
export async function startMemberProcess(m: MemberRecord, options: MemberLaunchOptions): Promise<void> {
  const id = m.layout.id;
  const proc = new MemberProcess({
    watchdogPath: options.watchdogPath,
    node: options.node,
    launch: options.launch,
    logPath: m.logPath,
    onLine: options.log,
  });
  m.proc = proc;
  m.requested = undefined;
  m.warnedStandalone = false;
  void proc.exited.then((exit) => {
    if (m.proc !== proc) return;
    m.proc = undefined;
    m.processState = m.requested === 'kill' ? 'killed' : m.requested === 'stop' ? 'stopped' : 'exited';
    m.lastExit = describeExit(exit);
    m.status = NOT_SERVING;
    // the election history lived in the process; a restarted member starts a new one
    m.election = undefined;
    if (m.processState === 'exited') {
      options.warn({ id, message: `member ${id} exited on its own (${m.lastExit}); see ${m.logPath}` });
    }
    options.changed();
  });
  try {
    await proc.started;
  } catch (error) {
    throw new ClusterError(
      `member ${id} could not start: ${error instanceof Error ? error.message : String(error)}\n` +
        `--- ${m.logPath} ---\n${tail(m.logPath, LOG_TAIL_LINES)}`,
    );
  }
  if (m.proc === proc) {
    m.processState = 'running';
    options.changed();
  }
}

/** SIGTERM (the member shuts down cleanly), then SIGKILL if it is still running after timeoutMs. */
export async function stopMemberProcess(
  m: MemberRecord,
  proc: MemberProcess,
  timeoutMs: number,
  warn: (warning: WarningEvent) => void,
): Promise<void> {
  const id = m.layout.id;
  if (m.requested !== 'kill') m.requested = 'stop';
  proc.signal('SIGTERM');
  // a paused process only acts on SIGTERM once it runs again
  proc.signal('SIGCONT');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    proc.exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    warn({ id, message: `member ${id} ignored SIGTERM for ${timeoutMs} ms; sending SIGKILL` });
    proc.signal('SIGKILL');
    await proc.exited;
  }
}

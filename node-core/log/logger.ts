// One logger shape for every node-core module, so storage and consensus code can report without importing the server.
// Lines follow ZooKeeper's log layout (time, level, component) so operators can read both side by side.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  child(component: string): Logger;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default so stdout stays free for a command's own output. */
  sink?: (line: string) => void;
  myid?: number;
}

function timestamp(now: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())},${pad(now.getMilliseconds(), 3)}`
  );
}

export function createLogger(component: string, options: LoggerOptions = {}): Logger {
  const minimum = levelRank[options.level ?? (process.env.PADDOCK_LOG_LEVEL as LogLevel | undefined) ?? 'info'] ?? 20;
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const myid = options.myid === undefined ? '' : String(options.myid);
  const emit = (level: LogLevel, message: string) => {
    if (levelRank[level] < minimum) return;
    sink(`${timestamp(new Date())} [myid:${myid}] - ${level.toUpperCase().padEnd(5)} [${component}] - ${message}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (sub) => createLogger(`${component}:${sub}`, options),
  };
}

/** A logger that keeps its lines in memory; tests read them to check what was reported. */
export function createMemoryLogger(component = 'test'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(component, { level: 'debug', sink: (line) => lines.push(line) });
  return Object.assign(logger, { lines });
}

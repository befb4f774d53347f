// Runs a golden trace file (tests/sim/testdata/*.txt) through a ScriptedEnsemble and renders it back with the
// actual output, in the data-driven layout etcd's raft tests use: a command, `----`, its output, a blank line.
// Comment lines (#) before a command are kept; the output of every command is replaced by what happened.
import { quorumPacketTypeName } from '../../node-core/protocol/quorumPackets.js';
import { ScriptedEnsemble, type InFlight } from './scriptedEnsemble.js';

export interface TraceBlock {
  comments: string[];
  command: string;
  output: string[];
}

export function parseTraceFile(text: string): TraceBlock[] {
  const blocks: TraceBlock[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i]!.startsWith('#') || lines[i]!.trim() === '')) {
      if (lines[i]!.startsWith('#')) comments.push(lines[i]!);
      i++;
    }
    if (i >= lines.length) break;
    const command = lines[i++]!;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after "${command}"`);
    i++;
    const output: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') output.push(lines[i++]!);
    blocks.push({ comments, command, output });
  }
  return blocks;
}

export function renderTraceFile(blocks: readonly TraceBlock[]): string {
  return blocks.map((b) => [...b.comments, b.command, '----', ...b.output].join('\n')).join('\n\n') + '\n';
}

interface Parsed {
  name: string;
  args: string[];
  keys: Map<string, string>;
}

function parseCommand(line: string): Parsed {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const args: string[] = [];
  const keys = new Map<string, string>();
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq > 0) keys.set(word.slice(0, eq), word.slice(eq + 1));
    else args.push(word);
  }
  return { name, args, keys };
}

function ids(text: string | undefined): number[] {
  if (text === undefined || text === '' || text === '-') return [];
  return text.split(',').map((part) => {
    const id = Number(part);
    if (!Number.isSafeInteger(id) || id < 1) throw new Error(`"${part}" is not a member id`);
    return id;
  });
}

function oneId(text: string | undefined, command: string): number {
  const [id] = ids(text);
  if (id === undefined) throw new Error(`${command}: which member?`);
  return id;
}

/** deliver/drop filters: from=, to=, type= (a packet type name, or vote, closed, disk). */
function selector(keys: Map<string, string>): (message: InFlight) => boolean {
  const from = keys.has('from') ? oneId(keys.get('from'), 'from') : undefined;
  const to = keys.has('to') ? oneId(keys.get('to'), 'to') : undefined;
  const type = keys.get('type');
  return (message) => {
    if (from !== undefined && message.from !== from) return false;
    if (to !== undefined && message.to !== to) return false;
    if (type === undefined) return true;
    if (message.kind === 'packet') return quorumPacketTypeName(message.packet.type) === type;
    return (message.kind === 'notification' ? 'vote' : message.kind) === type;
  };
}

/** Runs every block in order; returns them with their actual output. */
export function runTraceBlocks(blocks: readonly TraceBlock[]): TraceBlock[] {
  let ensemble: ScriptedEnsemble | null = null;
  let reported = 0;
  return blocks.map((block) => {
    const { name, args, keys } = parseCommand(block.command);
    const output: string[] = [];
    if (name === 'ensemble') {
      ensemble = new ScriptedEnsemble({
        voters: ids(keys.get('voters')),
        observers: ids(keys.get('observers')),
        committedLogSize: keys.has('committedLogSize') ? Number(keys.get('committedLogSize')) : undefined,
        reconfig: args.includes('reconfig'),
        hiddenPackets: keys.get('hide')?.split(','),
      });
    } else {
      if (ensemble === null) throw new Error(`"${block.command}" before an ensemble command`);
      output.push(...runStep(ensemble, name, args, keys, block.command));
      output.unshift(...ensemble.takeLines());
      output.push(...ensemble.violations.slice(reported).map((v) => `violation: ${v}`));
      reported = ensemble.violations.length;
    }
    return { comments: block.comments, command: block.command, output };
  });
}

function runStep(ensemble: ScriptedEnsemble, name: string, args: string[], keys: Map<string, string>, command: string): string[] {
  switch (name) {
    case 'start':
      ensemble.start(args.length > 0 ? args.flatMap((a) => ids(a)) : undefined);
      return [];
    case 'crash':
      ensemble.crash(oneId(args[0], command));
      return [];
    case 'restart':
      ensemble.restart(oneId(args[0], command));
      return [];
    case 'isolate':
      ensemble.cut.add(oneId(args[0], command));
      return [];
    case 'heal':
      ensemble.cut.clear();
      return [];
    case 'deliver':
      ensemble.deliver(selector(keys));
      return [];
    case 'drop':
      ensemble.drop(selector(keys));
      return [];
    case 'stabilize':
      ensemble.stabilize();
      return [];
    case 'tick': {
      const ms = Number(args[0]);
      if (!Number.isSafeInteger(ms) || ms <= 0) throw new Error(`${command}: give the milliseconds to advance`);
      ensemble.tick(ms);
      return [];
    }
    case 'write':
      ensemble.write(oneId(args[0], command), args.slice(1).join(' '));
      return [];
    case 'reconfig':
      ensemble.reconfig(oneId(args[0], command), ids(keys.get('voters')), ids(keys.get('observers')));
      return [];
    case 'status':
      return ensemble.status();
    default:
      throw new Error(`unknown command "${command}"`);
  }
}

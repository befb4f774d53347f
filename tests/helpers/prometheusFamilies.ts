// Reads Prometheus text exposition (the families' # TYPE lines and the samples), and the committed list of ZooKeeper
// 3.8's families (tests/fixtures/zk38/prometheus/metric-families.txt, derived from its sources) that a scrape of
// Paddock is compared with.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type FamilyRegistrar = 'all' | 'serving' | 'quorum' | 'leader' | 'follower';

export interface ExpectedFamily {
  name: string;
  type: string;
  registrar: FamilyRegistrar;
  quantiles: string[];
}

const FIXTURE = fileURLToPath(new URL('../fixtures/zk38/prometheus/metric-families.txt', import.meta.url));

export function zk38Families(): ExpectedFamily[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [name, type, registrar, quantiles] = line.split(/\s+/);
      return { name: name!, type: type!, registrar: registrar as FamilyRegistrar, quantiles: quantiles && quantiles !== '-' ? quantiles.split(',') : [] };
    });
}

/** The families ZooKeeper 3.8 exposes in a state: `registrars` are the registerMetrics() calls that have run. */
export function expectedTypes(registrars: readonly FamilyRegistrar[]): Map<string, string> {
  return new Map(zk38Families().filter((f) => registrars.includes(f.registrar)).map((f) => [f.name, f.type]));
}

export interface Scrape {
  /** Family name -> type, from the # TYPE lines. */
  types: Map<string, string>;
  /** Family name -> help text, from the # HELP lines. */
  help: Map<string, string>;
  /** Sample (name with its labels) -> value. */
  samples: Map<string, number>;
}

export function parseExposition(text: string): Scrape {
  const scrape: Scrape = { types: new Map(), help: new Map(), samples: new Map() };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      (meta[1] === 'TYPE' ? scrape.types : scrape.help).set(meta[2]!, meta[3]!);
      continue;
    }
    const sample = /^(\S+?(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus text line: ${JSON.stringify(line)}`);
    const raw = sample[2]!;
    scrape.samples.set(sample[1]!, raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw));
  }
  return scrape;
}

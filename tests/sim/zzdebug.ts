import { Simulation } from './simulator.js';
const sim = new Simulation({ seed: Number(process.argv[2]), maxEvents: 300000 }) as unknown as { handle: (e: { kind: string; member?: number; to?: number; from?: number; at?: number }) => void; run: () => unknown; now: number };
const counts = new Map<string, number>();
const orig = sim.handle.bind(sim);
let n = 0;
sim.handle = (e) => { n++; if (n > 200000) { const k = `${e.kind} ${e.member ?? e.to ?? e.at ?? ''} ${e.from ?? ''}`; counts.set(k, (counts.get(k) ?? 0) + 1); if (n === 200001) console.log('t at 200k', sim.now); } orig(e); };
sim.run();
console.log([...counts].sort((a, b) => b[1] - a[1]).slice(0, 10));

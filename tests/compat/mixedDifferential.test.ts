// The differential scenario on mixed 3-member ensembles (2 Apache + 1 Paddock, 1 Apache + 2 Paddock) must answer
// exactly as an all-Apache 3-member ensemble: every session talks to a follower whose engine differs from the
// leader's, so each write crosses engines (forwarded REQUEST, PROPOSAL, COMMIT) and each watch fires from a txn the
// other engine made.
import { describe, expect, it } from 'vitest';
import { apacheLauncher } from '../helpers/apacheZk.js';
import { waitForLeader } from '../helpers/ensembleModes.js';
import { MIXED_ENGINE_CONFIG, paddockLauncher } from '../helpers/paddockServer.js';
import { startEnsemble, type ZkMember } from '../helpers/zkEnsemble.js';
import { assertSame, checkReference, transcriptOf, transcriptOn } from './scenario/transcripts.js';
import type { NormalisedTranscript } from './scenario/normalise.js';
import { scenarioFor } from './scenario/steps.js';

async function mixedTranscript(paddockIds: number[]): Promise<{ transcript: NormalisedTranscript; front: string; leader: string }> {
  const engines = Object.fromEntries(paddockIds.map((id) => [id, paddockLauncher]));
  const target = await startEnsemble(apacheLauncher, { size: 3, engines, extraConfig: MIXED_ENGINE_CONFIG });
  try {
    const engineOf = (m: ZkMember) => (paddockIds.includes(m.id) ? 'paddock' : 'apache');
    const leader = await waitForLeader(target);
    const front = target.members.find((m) => engineOf(m) !== engineOf(leader))!;
    const label = `${engineOf(front)} member of a mixed ensemble led by ${engineOf(leader)}`;
    return { transcript: await transcriptOn(target, front, label), front: engineOf(front), leader: engineOf(leader) };
  } finally {
    await target.stop();
  }
}

describe('differential scenario on mixed ensembles', () => {
  it('answers exactly like an all-Apache 3-member ensemble, in both mixes', async () => {
    const reference = await transcriptOf('apache', 3);
    checkReference(reference, 3);
    for (const paddockIds of [[1], [1, 2]]) {
      const { transcript, front, leader } = await mixedTranscript(paddockIds);
      expect(front).not.toBe(leader);
      assertSame(reference, transcript, scenarioFor(3));
    }
  }, 600_000);
});

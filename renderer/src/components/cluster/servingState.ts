// The colour a member's serving state gets wherever members are listed (dashboard table, workspace strip).
import type { MemberServingState } from '../../../../node-core/api/contract.js';

export function servingTagType(state: MemberServingState): 'success' | 'info' | 'warning' | 'default' {
  if (state === 'leading' || state === 'standalone') return 'success';
  if (state === 'following' || state === 'observing') return 'info';
  if (state === 'looking') return 'warning';
  return 'default';
}

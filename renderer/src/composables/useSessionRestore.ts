// Reopens, when the window starts, the connections that were open when the app last ran (the profiles file keeps
// that: node-core marks a profile open on connection.open and clears it on a user's connection.close).
import { useI18n } from '../i18n/useI18n.js';
import { useConnectionsStore } from '../stores/connections.js';
import { useProfilesStore } from '../stores/profiles.js';
import { useAction } from './useAction.js';

export function useSessionRestore(): () => Promise<void> {
  const connections = useConnectionsStore();
  const profiles = useProfilesStore();
  const { run } = useAction();
  const { t } = useI18n();
  return async () => {
    await Promise.all([connections.refresh(), profiles.refresh()]);
    const alreadyOpen = new Set(connections.open.map((c) => c.profileId));
    const reopen = profiles.profiles.filter((p) => p.lastUsed?.open === true && !alreadyOpen.has(p.id));
    await Promise.all(
      reopen.map((p) => run(() => connections.openProfile(p.id), { failure: (reason) => t('profiles.reopenFailed', { name: p.name, reason }) })),
    );
  };
}

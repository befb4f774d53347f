// The open connections (one tab each), their live state, and which tab is in front.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ConnectionInfo } from '../../../node-core/api/contract.js';
import { api } from '../api/apiConnection.js';

/** The fixed tabs besides the connections. */
export type FixedTab = 'home' | 'clusters';

export const useConnectionsStore = defineStore('connections', () => {
  const open = ref<ConnectionInfo[]>([]);
  const activeTab = ref<string>('home');
  /**
   * Until the user picks a tab, a connection that appears (the one `paddock ui` opens for its local cluster, maybe
   * seconds after the page loaded) comes to the front: the first screen shows a cluster, not an empty profile list.
   */
  let followNewConnections = true;
  let listening = false;

  function listen(): void {
    if (listening) return;
    listening = true;
    api().on('connection.state', ({ connectionId, state, server }) => {
      const c = open.value.find((x) => x.connectionId === connectionId);
      if (c === undefined) {
        // A connection opened elsewhere (e.g. by `paddock ui` for its local cluster) shows up as a tab.
        void refresh();
        return;
      }
      c.state = state;
      if (server !== undefined) c.server = server;
    });
  }

  /** Merges the API's list in: new connections get tabs, closed ones lose theirs, known ones keep their objects. */
  async function refresh(): Promise<void> {
    listen();
    const listed = (await api().call('connection.list', {})).connections;
    const ids = new Set(listed.map((c) => c.connectionId));
    open.value = open.value.filter((c) => ids.has(c.connectionId));
    for (const info of listed) {
      const known = open.value.find((c) => c.connectionId === info.connectionId);
      if (known === undefined) {
        open.value.push(info);
        if (followNewConnections && activeTab.value === 'home') activeTab.value = info.connectionId;
      } else Object.assign(known, info);
    }
    if (activeTab.value !== 'home' && activeTab.value !== 'clusters' && !ids.has(activeTab.value)) activeTab.value = 'home';
  }

  /** The user chose a tab: from now on tabs come to the front only when the user asks. */
  function userPicked(): void {
    followNewConnections = false;
  }

  async function openProfile(profileId: string): Promise<ConnectionInfo> {
    listen();
    const info = await api().call('connection.open', { profileId });
    open.value.push(info);
    activeTab.value = info.connectionId;
    return info;
  }

  async function close(connectionId: string): Promise<void> {
    open.value = open.value.filter((c) => c.connectionId !== connectionId);
    if (activeTab.value === connectionId) activeTab.value = open.value.at(-1)?.connectionId ?? 'home';
    await api().call('connection.close', { connectionId }).catch(() => undefined);
  }

  function get(connectionId: string): ConnectionInfo | undefined {
    return open.value.find((c) => c.connectionId === connectionId);
  }

  const active = computed(() => get(activeTab.value));

  return { open, activeTab, active, refresh, openProfile, close, get, userPicked };
});

// Saved connection profiles as the API keeps them: list, save, delete and test.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ProfileInput, ProfileView, TestConnectionResult } from '../../../node-core/api/contract.js';
import { api } from '../api/apiConnection.js';

export const useProfilesStore = defineStore('profiles', () => {
  const profiles = ref<ProfileView[]>([]);
  const loaded = ref(false);

  async function refresh(): Promise<void> {
    profiles.value = (await api().call('profiles.list', {})).profiles;
    loaded.value = true;
  }

  async function save(profile: ProfileInput): Promise<ProfileView> {
    const saved = await api().call('profiles.save', { profile });
    await refresh();
    return saved;
  }

  async function remove(profileId: string): Promise<void> {
    await api().call('profiles.delete', { profileId });
    await refresh();
  }

  /** Tests a saved profile by id, or an edited one before it is saved. */
  function test(target: { profileId: string } | { profile: ProfileInput }): Promise<TestConnectionResult> {
    return api().call('connection.test', target);
  }

  return { profiles, loaded, refresh, save, remove, test };
});

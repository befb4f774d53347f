// The one place that opens and closes the app's action dialogs: a view asks for a dialog with what it acts on and
// who to tell about the result, and components/dialogs/DialogHost.vue (mounted once) shows it. Only one such dialog
// is open at a time, as they are modal.
import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { CreateModeName, ProfileView } from '../../../node-core/api/contract.js';

/** What happened to the tree, for the workspace to refresh and select. */
export interface NodeDialogListeners {
  created?: (path: string, mode: CreateModeName) => void;
  deleted?: (path: string) => void;
  changed?: (path: string) => void;
}

export type NodeDialogKind = 'create' | 'delete' | 'copy' | 'move' | 'import';

export interface NodeDialogRequest extends NodeDialogListeners {
  kind: NodeDialogKind;
  connectionId: string;
  /** The node acted on (the parent, for create). */
  path: string;
}

/** The profile editor: a new profile when profile is absent. */
export interface ProfileDialogRequest {
  kind: 'profile';
  profile?: ProfileView;
}

export type DialogRequest = NodeDialogRequest | ProfileDialogRequest;

export const useDialogsStore = defineStore('dialogs', () => {
  // Shallow: the request carries listener functions and a profile that are not state of their own.
  const current = shallowRef<DialogRequest>();
  return {
    current,
    open: (request: DialogRequest): void => {
      current.value = request;
    },
    close: (): void => {
      current.value = undefined;
    },
  };
});

// Saving the selected node with feedback in words, shared by the Save button and Ctrl+S.
import type { Ref } from 'vue';
import { useMessage } from 'naive-ui';
import { useAction } from './useAction.js';
import { useI18n } from '../i18n/useI18n.js';
import { useConnectionsStore } from '../stores/connections.js';
import { useNodeEditorStore } from '../stores/nodeEditor.js';

export function useNodeSave(connectionId: string, readOnly: Ref<boolean>): { save: () => Promise<void> } {
  const editor = useNodeEditorStore(connectionId);
  const connections = useConnectionsStore();
  const message = useMessage();
  const { t } = useI18n();
  const { run } = useAction();
  async function save(): Promise<void> {
    if (readOnly.value || editor.node === undefined || !editor.dirty || editor.saving) return;
    const state = connections.get(connectionId)?.state;
    if (state !== 'connected' && state !== 'connectedReadOnly') {
      message.warning(t('node.notSavedWhileDown'), { duration: 6000 });
      return;
    }
    await run(
      async () => {
        const stat = await editor.save();
        if (stat !== undefined) message.success(t('node.saved', { path: editor.path ?? '', version: stat.version }));
      },
      { failure: (reason) => t('node.encodeFailed', { reason }) },
    );
  }
  return { save };
}

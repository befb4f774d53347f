// The selected znode of one connection: its data in the chosen view and charset, the user's unsaved edit, its
// ACL, and the save that never overwrites a newer version silently (a BadVersion becomes a conflict to resolve).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ApiAcl, ApiStat, ZnodeChangeType, ZnodeData } from '../../../node-core/api/contract.js';
import { api } from '../api/apiConnection.js';
import { apiErrorOf, badVersionCode, errorText } from '../api/apiErrors.js';
import type { Charset } from '../data/bytes.js';
import { parentOf } from '../data/paths.js';
import { defaultView, encodeEdited, renderData, type DataView } from '../data/dataViews.js';
import { perConnection } from './perConnection.js';

export interface Conflict {
  /** The user's text, in the view it was written in. */
  mine: string;
  mineBase64: string;
  current: ZnodeData;
  currentText: string;
}

function createNodeEditorStore(connectionId: string) {
  return defineStore(`nodeEditor:${connectionId}`, () => {
    const path = ref<string>();
    const node = ref<ZnodeData>();
    const acl = ref<ApiAcl[]>([]);
    const aclStat = ref<ApiStat>();
    const view = ref<DataView>('text');
    const charset = ref<Charset>('utf-8');
    const draft = ref('');
    const loadError = ref<string>();
    const renderWarning = ref<string>();
    const changedRemotely = ref(false);
    const deletedRemotely = ref(false);
    const conflict = ref<Conflict>();
    const saving = ref(false);
    let loadSeq = 0;

    const original = computed(() => (node.value === undefined ? undefined : renderData(node.value.data, view.value, charset.value)));
    const dirty = computed(() => original.value !== undefined && draft.value !== original.value.text);

    function showNode(data: ZnodeData, keepView: boolean): void {
      node.value = data;
      // View and charset belong to the node on screen: GBK picked for one node must not follow to the next one.
      if (!keepView) {
        view.value = defaultView(data.format);
        charset.value = 'utf-8';
      }
      const rendered = renderData(data.data, view.value, charset.value);
      draft.value = rendered.text;
      renderWarning.value = rendered.warning;
      changedRemotely.value = false;
      deletedRemotely.value = false;
    }

    async function load(target: string, keepView = false): Promise<void> {
      const seq = ++loadSeq;
      // A reload refreshes the node on screen; a load that supersedes the first load of another node is not one.
      const reloading = node.value?.path === target;
      const draftBefore = draft.value;
      path.value = target;
      loadError.value = undefined;
      conflict.value = undefined;
      try {
        const [data, aclResult] = await Promise.all([
          api().call('znode.get', { connectionId, path: target }),
          api().call('znode.getAcl', { connectionId, path: target }),
        ]);
        if (seq !== loadSeq) return;
        acl.value = aclResult.acl;
        aclStat.value = aclResult.stat;
        if (reloading && draft.value !== draftBefore) {
          // The user typed while this quiet reload was in flight: their text stays, and so does the version it
          // was based on, so a save still conflicts rather than overwriting what the reload saw.
          if (data.stat.mzxid !== node.value?.stat.mzxid) changedRemotely.value = true;
          return;
        }
        showNode(data, keepView && reloading);
      } catch (err) {
        if (seq !== loadSeq) return;
        node.value = undefined;
        loadError.value = errorText(err);
      }
    }

    /** Re-renders in another view or charset, carrying unsaved edits across when they encode cleanly. */
    function setPresentation(nextView: DataView, nextCharset: Charset): void {
      if (node.value === undefined) return;
      let base64 = node.value.data;
      if (dirty.value) base64 = encodeEdited(draft.value, view.value, charset.value);
      view.value = nextView;
      charset.value = nextCharset;
      const rendered = renderData(base64, nextView, nextCharset);
      draft.value = rendered.text;
      renderWarning.value = rendered.warning;
    }

    async function write(base64: string, expectedVersion: number, mineText: string): Promise<ApiStat | undefined> {
      const target = path.value;
      if (target === undefined) return undefined;
      saving.value = true;
      try {
        const { stat } = await api().call('znode.set', { connectionId, path: target, data: base64, expectedVersion });
        conflict.value = undefined;
        // What was just written is what the draft is based on now, even before the reload below returns; shown
        // in the view's own form, so text typed in another form (compact JSON in the JSON view) is not left "dirty".
        if (node.value !== undefined) {
          const written = { ...node.value, data: base64, stat };
          if (draft.value === mineText) showNode(written, true);
          else node.value = written;
        }
        await load(target, true);
        return stat;
      } catch (err) {
        const apiError = apiErrorOf(err);
        if (apiError?.code === badVersionCode && apiError.conflict !== undefined) {
          const current = apiError.conflict.current;
          conflict.value = { mine: mineText, mineBase64: base64, current, currentText: renderData(current.data, view.value, charset.value).text };
          return undefined;
        }
        throw err;
      } finally {
        saving.value = false;
      }
    }

    /** Saves the draft against the version it was read at; resolves with the new stat, or undefined on a conflict. */
    function save(): Promise<ApiStat | undefined> {
      if (node.value === undefined) return Promise.resolve(undefined);
      const base64 = encodeEdited(draft.value, view.value, charset.value);
      return write(base64, node.value.stat.version, draft.value);
    }

    /** keepMine writes over exactly the version the user just saw; if that moved on too, a new conflict shows. */
    async function resolveConflict(choice: 'keepMine' | 'takeCurrent' | 'cancel'): Promise<ApiStat | undefined> {
      const c = conflict.value;
      if (c === undefined) return undefined;
      if (choice === 'cancel') {
        conflict.value = undefined;
        return undefined;
      }
      if (choice === 'takeCurrent') {
        conflict.value = undefined;
        showNode(c.current, true);
        return c.current.stat;
      }
      return write(c.mineBase64, c.current.stat.version, c.mine);
    }

    function revert(): void {
      if (original.value !== undefined) draft.value = original.value.text;
    }

    async function saveAcl(entries: ApiAcl[]): Promise<void> {
      if (path.value === undefined) return;
      const { stat } = await api().call('znode.setAcl', {
        connectionId,
        path: path.value,
        acl: entries,
        ...(aclStat.value !== undefined ? { expectedVersion: aclStat.value.aversion } : {}),
      });
      acl.value = entries;
      aclStat.value = stat;
    }

    let statTimer: ReturnType<typeof setTimeout> | undefined;
    /** Children came or went: only the Stat moved (numChildren, cversion, pzxid), so the draft is left alone. */
    function refreshStatSoon(target: string): void {
      if (statTimer !== undefined) return;
      statTimer = setTimeout(() => {
        statTimer = undefined;
        const seq = loadSeq;
        void api()
          .call('znode.get', { connectionId, path: target })
          .then((data) => {
            if (seq !== loadSeq || path.value !== target || node.value === undefined) return;
            if (data.stat.version === node.value.stat.version) node.value = { ...node.value, stat: data.stat };
            else handleChange('dataChanged', target);
          })
          .catch(() => undefined);
      }, 300);
    }

    /** A watch event for the selected node: reload quietly unless the user has unsaved edits. */
    function handleChange(type: ZnodeChangeType, changed: string): void {
      const target = path.value;
      if (target !== undefined && changed !== target && (type === 'created' || type === 'deleted') && parentOf(changed) === target) {
        refreshStatSoon(target);
        return;
      }
      if (type === 'childrenChanged' && changed === target) {
        refreshStatSoon(target);
        return;
      }
      if (changed !== path.value) return;
      if (type === 'deleted') {
        deletedRemotely.value = true;
        return;
      }
      if (type === 'created') deletedRemotely.value = false;
      if (type === 'dataChanged' || type === 'created') {
        if (dirty.value || conflict.value !== undefined) changedRemotely.value = true;
        else void load(changed, true);
      }
    }

    function clear(): void {
      loadSeq++;
      path.value = undefined;
      node.value = undefined;
      conflict.value = undefined;
    }

    return {
      path,
      node,
      acl,
      aclStat,
      view,
      charset,
      draft,
      dirty,
      loadError,
      renderWarning,
      changedRemotely,
      deletedRemotely,
      conflict,
      saving,
      load,
      setPresentation,
      save,
      resolveConflict,
      revert,
      saveAcl,
      handleChange,
      clear,
    };
  });
}

export const useNodeEditorStore = perConnection(createNodeEditorStore);

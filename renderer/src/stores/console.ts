// One connection's console: the commands run (with up/down history) and what each printed.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api/apiConnection.js';
import { errorText } from '../api/apiErrors.js';
import { perConnection } from './perConnection.js';

export interface ConsoleEntry {
  command: string;
  output: string;
  ok: boolean;
}

const maxEntries = 200;

function createConsoleStore(connectionId: string) {
  return defineStore(`console:${connectionId}`, () => {
    const entries = ref<ConsoleEntry[]>([]);
    const history = ref<string[]>([]);
    const running = ref(false);

    async function run(commandLine: string): Promise<void> {
      const command = commandLine.trim();
      if (command === '') return;
      if (history.value.at(-1) !== command) history.value.push(command);
      running.value = true;
      try {
        const result = await api().call('console.run', { connectionId, commandLine: command });
        entries.value.push({ command, output: result.output, ok: result.ok });
      } catch (err) {
        entries.value.push({ command, output: errorText(err), ok: false });
      } finally {
        running.value = false;
        if (entries.value.length > maxEntries) entries.value.splice(0, entries.value.length - maxEntries);
      }
    }

    function clear(): void {
      entries.value = [];
    }

    return { entries, history, running, run, clear };
  });
}

export const useConsoleStore = perConnection(createConsoleStore);

// Runs what the user asked for with a busy flag and, when it fails, says why in a toast: the one place for the
// busy/try/message.error block every button and dialog needs. Must be called from a component's setup (it takes
// Naive UI's message API from the surrounding provider).
import { computed, ref, type ComputedRef } from 'vue';
import { useMessage } from 'naive-ui';
import { errorText } from '../api/apiErrors.js';

export interface ActionOptions {
  /** The failure in the user's words, given the error's own text (and the error); that text alone when absent. */
  failure?: (reason: string, error: unknown) => string;
  /** How long the error toast stays, in ms (long enough by default to read a ZooKeeper error). */
  duration?: number;
}

export interface ActionRunner {
  /** True while any action started through run has not finished (a count, so overlapping actions keep it set). */
  busy: ComputedRef<boolean>;
  /** Runs action; resolves true when it succeeded, false when its failure was reported. Never rejects. */
  run: (action: () => unknown, options?: ActionOptions) => Promise<boolean>;
}

export const errorToastMs = 8000;

export function useAction(): ActionRunner {
  const message = useMessage();
  const running = ref(0);
  async function run(action: () => unknown, options: ActionOptions = {}): Promise<boolean> {
    running.value += 1;
    try {
      await action();
      return true;
    } catch (err) {
      const reason = errorText(err);
      message.error(options.failure?.(reason, err) ?? reason, { duration: options.duration ?? errorToastMs });
      return false;
    } finally {
      running.value -= 1;
    }
  }
  return { busy: computed(() => running.value > 0), run };
}

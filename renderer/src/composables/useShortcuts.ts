// Window-wide keyboard shortcuts (Ctrl/Cmd + key) for whichever view is in front.
import { onBeforeUnmount, onMounted, type Ref } from 'vue';

export type ShortcutHandlers = Partial<Record<'s' | 'f' | 'k', () => void>>;

export function useShortcuts(handlers: ShortcutHandlers, active: Ref<boolean>): void {
  const onKey = (event: KeyboardEvent) => {
    if (!active.value || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const handler = handlers[event.key.toLowerCase() as keyof ShortcutHandlers];
    if (handler === undefined) return;
    event.preventDefault();
    handler();
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}

// User preferences that outlive a reload: light or dark theme and the GUI's language.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { Locale } from '../i18n/messages.js';

export type ThemeName = 'light' | 'dark';
const storageKey = 'paddock.settings';

interface Saved {
  theme?: ThemeName;
  locale?: Locale;
}

function load(): Saved {
  try {
    return JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Saved;
  } catch {
    return {};
  }
}

function preferredLocale(): Locale {
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const useSettingsStore = defineStore('settings', () => {
  const saved = load();
  const params = new URLSearchParams(window.location.search);
  // ?theme= and ?lang= let tests and bookmarks pick a look without touching storage.
  const theme = ref<ThemeName>((params.get('theme') as ThemeName | null) ?? saved.theme ?? 'light');
  const locale = ref<Locale>((params.get('lang') as Locale | null) ?? saved.locale ?? preferredLocale());
  watch([theme, locale], () => localStorage.setItem(storageKey, JSON.stringify({ theme: theme.value, locale: locale.value })));
  function toggleTheme(): void {
    theme.value = theme.value === 'light' ? 'dark' : 'light';
  }
  return { theme, locale, toggleTheme };
});

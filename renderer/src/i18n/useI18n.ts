// The translate function components use: t('key', { name: value }) in the locale the settings store holds.
import { useSettingsStore } from '../stores/settings.js';
import { dictionaries, type MessageKey } from './messages.js';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function useI18n(): { t: Translate } {
  const settings = useSettingsStore();
  const t: Translate = (key, params) => {
    const template = dictionaries[settings.locale][key] ?? key;
    if (params === undefined) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
  return { t };
}

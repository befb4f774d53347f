// Every locale file carries every key of the English reference, nothing else, and the same {placeholders}: a missing
// key would show its raw name in the GUI, a missing placeholder would drop a value the user needs to see.
import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/src/i18n/en.js';
import { dictionaries, type Locale } from '../../../renderer/src/i18n/messages.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const englishKeys = Object.keys(en).sort();
const locales = Object.keys(dictionaries) as Locale[];

describe('locale dictionaries', () => {
  it('include English and at least one translation', () => {
    expect(locales).toContain('en');
    expect(locales.length).toBeGreaterThan(1);
  });

  for (const locale of locales) {
    const dictionary: Record<string, string> = dictionaries[locale];

    it(`${locale} has exactly the English keys`, () => {
      const missing = englishKeys.filter((key) => !(key in dictionary));
      const extra = Object.keys(dictionary).filter((key) => !(key in en));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    });

    it(`${locale} gives every key a non-empty text with the English placeholders`, () => {
      const wrong = englishKeys.filter((key) => {
        const text = dictionary[key];
        return typeof text !== 'string' || text.trim() === '' || placeholders(text).join() !== placeholders(en[key as keyof typeof en]).join();
      });
      expect(wrong).toEqual([]);
    });
  }
});

// The GUI's dictionaries by locale; English is the reference whose keys every locale must have.
import { en } from './en.js';
import { zhCN } from './zhCN.js';

export type MessageKey = keyof typeof en;

export type Locale = 'en' | 'zh-CN';
export const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

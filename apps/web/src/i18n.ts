import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

import { en } from './messages.en';
import { zh } from './messages.zh-CN';

export type Lang = 'en' | 'zh-CN';

export type MessageKey = keyof typeof en;

const MESSAGES: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zh };

/** The saved choice, else the browser's first language that is Chinese or English. */
export function initialLang(): Lang {
  const saved = localStorage.getItem('lang');
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    if (l.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** `{n, plural, one {# model} other {# models}}`: the branch Intl.PluralRules picks for `n`, `#` being `n` as given. */
const PLURAL = /\{(\w+), plural, one \{([^{}]*)\} other \{([^{}]*)\}\}/g;

/** The number a parameter stands for: numbers as they are, formatted ones ("1,234") read back; compact ones ("12K") are many. */
const countOf = (v: string | number | undefined) => (typeof v === 'number' ? v : Number(String(v ?? '').replace(/[,\s]/g, '')));

export function translator(lang: Lang): Translate {
  const rules = new Intl.PluralRules(lang);
  return (key, params) =>
    MESSAGES[lang][key]
      .replace(PLURAL, (_, k: string, one: string, other: string) => {
        const n = countOf(params?.[k]);
        return (Number.isFinite(n) && rules.select(n) === 'one' ? one : other).replace(/#/g, String(params?.[k] ?? ''));
      })
      .replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? ''));
}

export const I18n = createContext<{ lang: Lang; t: Translate; setLang: (l: Lang) => void }>({ lang: 'en', t: translator('en'), setLang: () => undefined });
export const useI18n = () => useContext(I18n);

export const formatNumber = (lang: Lang, n: number) => new Intl.NumberFormat(lang, { notation: n >= 10_000 ? 'compact' : 'standard' }).format(n);
export const formatDate = (lang: Lang, iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));

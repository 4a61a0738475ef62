/**
 * @module The console's language: Thai unless the supervisor chose otherwise on this browser
 * (localStorage), `lang` on the document to match. Both catalogues are small and bundled with
 * the console (never with the station app).
 */
import type { Language } from '../../i18n/catalogue';
import { isLanguage } from '../../i18n/catalogue';
import { Model } from '../../state/model';
import { useModel } from '../../state/use-model';
import type { ConsoleCatalogue } from './en';
import { consoleEn } from './en';
import { consoleTh } from './th';

export const CONSOLE_LANGUAGE_KEY = 'console:language';
export const CATALOGUES: Record<Language, ConsoleCatalogue> = { en: consoleEn, th: consoleTh };

export interface ConsoleLanguageState {
  language: Language;
  t: ConsoleCatalogue;
}

export interface Memory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export class ConsoleLanguageModel extends Model<ConsoleLanguageState> {
  constructor(
    private readonly memory: Memory | null,
    private readonly document: { documentElement: { lang: string } } | null,
  ) {
    const stored = memory?.getItem(CONSOLE_LANGUAGE_KEY);
    const language: Language = isLanguage(stored) ? stored : 'th';
    super({ language, t: CATALOGUES[language] });
    if (document) document.documentElement.lang = language;
  }

  /** Speaks `language` now and remembers it on this browser. */
  choose(language: Language): void {
    this.memory?.setItem(CONSOLE_LANGUAGE_KEY, language);
    if (this.document) this.document.documentElement.lang = language;
    this.set({ language, t: CATALOGUES[language] });
  }
}

export const consoleLanguage = new ConsoleLanguageModel(
  typeof localStorage === 'undefined' ? null : localStorage,
  typeof document === 'undefined' ? null : document,
);

/** The console's catalogue and language in a component. */
export function useConsoleText(): ConsoleLanguageState {
  return useModel(consoleLanguage);
}

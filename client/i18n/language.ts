/**
 * @module Which language the screen speaks: the operator's own choice (remembered on this tablet
 * with their badge), else the language an admin set as theirs (in the snapshot's operators), else
 * the station's (set when it was enrolled, in the snapshot), else Thai.
 * English is bundled; Thai is fetched as its own chunk the first time it is needed (precached by
 * the service worker, so it also loads offline). `lang` on the document follows, so the browser
 * breaks Thai lines and picks the Thai font.
 */
import { Model } from '../state/model';
import type { Catalogue, Language } from './catalogue';
import { isLanguage } from './catalogue';
import { en } from './en';

export const DEFAULT_LANGUAGE: Language = 'th';

/**
 * The language to use (pure, tested): what the operator chose on this tablet, else their preferred
 * language (SPEC DK-36), else the station's.
 */
export function chooseLanguage(choice: {
  operator: Language | null;
  preferred?: Language | null | undefined;
  station: Language | null | undefined;
}): Language {
  return choice.operator ?? choice.preferred ?? choice.station ?? DEFAULT_LANGUAGE;
}

export interface LanguageState {
  language: Language;
  catalogue: Catalogue;
}

/** Where an operator's choice is kept (localStorage in the app). */
export interface LanguageMemory {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const loaders: Record<Language, () => Promise<Catalogue>> = {
  en: () => Promise.resolve(en),
  th: () => import('./th').then((m) => m.th),
};

export class LanguageModel extends Model<LanguageState> {
  private wanted: Language;

  constructor(
    private readonly memory: LanguageMemory | null,
    private readonly document: { documentElement: { lang: string } } | null,
  ) {
    super({ language: 'en', catalogue: en });
    this.wanted = 'en';
  }

  /** Speaks `language` once its catalogue is loaded (English until then); a later call wins. */
  async use(language: Language): Promise<void> {
    this.wanted = language;
    if (this.get().language === language) return;
    const catalogue = await loaders[language]();
    if (this.wanted !== language) return;
    if (this.document) this.document.documentElement.lang = language;
    this.set({ language, catalogue });
  }

  /** The language an operator chose on this tablet, if any. */
  operatorChoice(badge: string | null): Language | null {
    if (badge === null || !this.memory) return null;
    const stored = this.memory.getItem(`language:${badge}`);
    return isLanguage(stored) ? stored : null;
  }

  /** Remembers the operator's choice with their badge and speaks it now. */
  async choose(badge: string | null, language: Language): Promise<void> {
    if (badge !== null) this.memory?.setItem(`language:${badge}`, language);
    await this.use(language);
  }
}

/** The app's one language model (one document, one language). */
export const languages = new LanguageModel(
  typeof localStorage === 'undefined' ? null : localStorage,
  typeof document === 'undefined' ? null : document,
);

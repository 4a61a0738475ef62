/** @module The active catalogue in a component: `const t = useText(); t.words.action.start`. */
import { useModel } from '../state/use-model';
import type { LanguageState } from './language';
import { languages } from './language';

export function useText(): LanguageState['catalogue'] {
  return useModel(languages).catalogue;
}

export function useLanguage(): LanguageState {
  return useModel(languages);
}

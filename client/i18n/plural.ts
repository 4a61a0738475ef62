/** @module English plural forms for the English catalogue (Thai has none); apart from catalogue.ts so that en/ imports no module that imports en/. */
/** English plural forms by Intl's rules ("1 event", "2 events"). */
const englishPlurals = new Intl.PluralRules('en');
export function plural(n: number, forms: { one: string; other: string }): string {
  return englishPlurals.select(n) === 'one' ? forms.one : forms.other;
}
